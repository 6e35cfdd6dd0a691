"""synhole.py PORT SECONDS: a loopback port where TCP connects hang, like 169.254.169.254 on a machine
outside Azure (SYNs go unanswered). It listens with a zero backlog, never accepts, and fills the accept
queue itself; Linux then drops further SYNs, so a client's connect waits for its own timeout."""
import socket
import sys
import time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(0)
fillers = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(("127.0.0.1", port))
    fillers.append(c)
time.sleep(0.2)
print("synhole listening", port, flush=True)
time.sleep(seconds)
