// Runs dynalite in a process of its own, so the stack's Node process (importer, stream capture,
// indexer) and dynalite's LevelDB work use both cores. Reports its port to the parent over IPC and
// closes LevelDB cleanly when told to stop or when the parent goes away.
import dynalite from 'dynalite';

const path = process.argv[2] || undefined;
// Tables are usable the moment CreateTable returns, like on-demand tables appear to a test.
const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  // Idle keep-alive sockets of SDK clients would otherwise hold the close open forever.
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(1), 10_000).unref();
}

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (message) => message === 'stop' && stop());
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
