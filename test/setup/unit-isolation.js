/**
 * The unit tier's promise is "no I/O": a unit spec that opens a network connection (PostgreSQL,
 * Redis, an HTTP call) fails here with a message that says which tier it belongs in, instead of
 * passing on a developer's machine and failing on one without the servers.
 *
 * `node:net` is the worker process's own module, shared by every file the worker runs, whatever
 * its project: the guard is put in place for each unit spec file and taken away after it, so an
 * integration or e2e file that the same worker runs next connects as usual.
 */
const net = require('node:net');

const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function refuseConnection(...args) {
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  const target =
    typeof options === 'object' && options !== null
      ? `${options.host ?? options.path ?? 'localhost'}:${options.port ?? ''}`
      : String(options);
  throw new Error(
    `A unit spec (*.spec.ts) tried to open a connection (${target}). Specs that need PostgreSQL, Redis ` +
      'or a server are integration specs: name the file *.int-spec.ts (docs/testing.md).',
  );
};

afterAll(() => {
  net.Socket.prototype.connect = connect;
});
