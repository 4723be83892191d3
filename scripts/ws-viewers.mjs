// WebSocket viewers in a process of their own, for benches that measure the service's CPU per frame sent
// without the viewers' own work in the same JVM. Usage: node --experimental-websocket scripts/ws-viewers.mjs
// URL... (one viewer per URL). Prints the messages received so far, all viewers together, once a second;
// exits when its standard input closes.
const urls = process.argv.slice(2);
let received = 0;
let closed = 0;
for (const url of urls) {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (event) => {
    if (typeof event.data !== 'string') {
      received++;
    }
  };
  ws.onclose = () => closed++;
}
setInterval(() => process.stdout.write(`${received} ${closed}\n`), 1000);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
