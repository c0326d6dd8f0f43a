// A TCP forwarder for the partition suite: `node forward.mjs <listen-address> <target-address>
// <port>...` accepts on listen-address:port and relays each connection to target-address:port,
// for every port given. Nodes in network namespaces reach the test PostgreSQL and chat-kafka,
// which listen on the host's loopback, through one of these in their namespace and one on the
// host. Prints "ready" once every port listens.
import net from 'node:net';

const [listenAddress, targetAddress, ...ports] = process.argv.slice(2);
let listening = 0;
for (const port of ports.map(Number)) {
  const server = net.createServer(inbound => {
    const outbound = net.connect(port, targetAddress);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    const end = () => { inbound.destroy(); outbound.destroy(); };
    inbound.on('error', end);
    outbound.on('error', end);
    inbound.on('close', end);
    outbound.on('close', end);
  });
  server.listen(port, listenAddress, () => {
    if (++listening === ports.length) console.log('ready');
  });
  server.on('error', e => { console.error(`forward ${listenAddress}:${port}: ${e.message}`); process.exit(1); });
}
