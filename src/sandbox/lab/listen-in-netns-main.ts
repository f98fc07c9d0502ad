// Opens a listening TCP socket inside the network namespace this process was started in and hands
// it to the parent over IPC, then exits: a socket keeps the namespace it was created in, so the
// parent (in the host namespace, where the AWS emulator listens on 127.0.0.1) can accept
// connections made inside the lab. The reverse of the SSH forward the supervisor receives.
//
// Usage (by host-forward.ts only): nsenter --net=/run/netns/<gw> node listen-in-netns-main.js <address> <port>
import { createServer } from 'node:net';

const [address, portText] = process.argv.slice(2);
const server = createServer();
server.once('error', (err) => {
  process.stderr.write(`listen-in-netns: ${err.message}\n`);
  process.exit(1);
});
server.listen({ host: address, port: Number(portText ?? '0') }, () => {
  process.send?.('listening', server, () => {
    server.close();
    process.disconnect?.();
  });
});
