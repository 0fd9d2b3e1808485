/** A definition whose `touch` loops on its state, so one instance can take transitions forever. */
export function loopDefinition(key: string, title: string) {
  return {
    key,
    title,
    states: [
      { name: 'open', initial: true },
      { name: 'closed', terminal: true },
    ],
    transitions: [
      { name: 'touch', from: 'open', to: 'open', role: 'requester' },
      { name: 'close', from: 'open', to: 'closed', role: 'requester' },
    ],
  };
}

/**
 * The same loop with data and a condition on `touch` (issue 16): what a `when` costs a transition
 * over HTTP. The condition reads data and the instance, and holds for the data given.
 */
export function conditionalLoopDefinition(key: string, title: string) {
  const loop = loopDefinition(key, title);
  return {
    ...loop,
    dataSchema: {
      type: 'object',
      properties: { amount: { type: 'number', minimum: 0 } },
      required: ['amount'],
    },
    transitions: loop.transitions.map((transition) =>
      transition.name === 'touch'
        ? { ...transition, when: "data.amount <= 10000.0 && instance.state == 'open'" }
        : transition,
    ),
  };
}
