/** The role hierarchy (DESIGN §4) as plain data and functions: no Nest, no I/O, so the workflow
 * engine and the auth guards share one definition without the engine loading the guards. */
export * from './role-hierarchy';
