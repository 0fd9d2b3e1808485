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
