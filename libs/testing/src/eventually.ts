/**
 * Polls until `check` passes or `timeoutMs` is over (then its last failure is thrown): for what
 * the app notices asynchronously, such as a dead or revived PostgreSQL or Redis connection.
 */
export async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
