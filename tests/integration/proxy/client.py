#!/usr/bin/env python3
"""Raw clients for tests/integration/proxy.sh (what curl cannot do on purpose).

  client.py raw HOST:PORT|unix:PATH     send stdin as is, print the whole response
  client.py socks HOST:PORT ATYP HOST PORT [CMD]   SOCKS5 request; prints the REP code
  client.py udp HOST:PORT DEST DEST_PORT PAYLOAD [domain]   SOCKS5 UDP ASSOCIATE round
                                        trip (DEST an IPv4 address, or a name with
                                        "domain"); prints the reply payload or "timeout"
  client.py upload HOST:PORT URL BYTES  send a request head announcing BYTES of body, read
                                        the whole answer, then send the body; prints the
                                        status, then "sent N, eof" or where it broke
  client.py slowloris HOST:PORT DELAY   dribble a head one byte per DELAY seconds; prints
                                        how long until the proxy closed the connection
  client.py hold HOST:PORT N SECONDS    open N idle connections, print "open N" and hold them
  client.py tunnel HOST:PORT TARGET MBYTES   CONNECT to an echo server, send MBYTES of data
                                        and check every byte comes back; prints "ok BYTES"
  client.py vanish HOST:PORT TARGET     CONNECT to a stream server, read 1 MiB, then reset
  client.py stall HOST:PORT URL|TARGET BYTES   GET URL (or CONNECT to a stream server
                                        TARGET), read 64 KiB, say "paused" on stderr, stop
                                        reading for 2 s, then read BYTES in all; prints "ok N"
"""
import socket
import struct
import sys
import time


def connect(spec):
    if spec.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX)
        s.connect(spec[5:])
        return s
    host, port = spec.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=10)


def recv_all(s):
    out = b""
    s.settimeout(10)
    while True:
        try:
            d = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not d:
            break
        out += d
    return out


def read_head(s):
    head = b""
    while b"\r\n\r\n" not in head:
        d = s.recv(1)
        if not d:
            sys.exit("connection closed inside the response head: %r" % head)
        head += d
    return head


def socks_handshake(s, cmd, atyp, host, port):
    s.sendall(b"\x05\x01\x00")
    assert s.recv(2) == b"\x05\x00"
    if atyp == "domain":
        addr = b"\x03" + bytes([len(host)]) + host.encode()
    elif atyp == "ipv6":
        addr = b"\x04" + socket.inet_pton(socket.AF_INET6, host)
    else:
        addr = b"\x01" + socket.inet_aton(host)
    s.sendall(b"\x05" + bytes([cmd]) + b"\x00" + addr + struct.pack(">H", port))
    rep = s.recv(4)
    if len(rep) < 4:
        return None, None
    alen = {1: 4, 4: 16}.get(rep[3], 0)
    rest = s.recv(alen + 2)
    bound = None
    if rep[3] == 1:
        bound = (socket.inet_ntoa(rest[:4]), struct.unpack(">H", rest[4:6])[0])
    return rep[1], bound


def main():
    mode = sys.argv[1]
    if mode == "raw":
        s = connect(sys.argv[2])
        s.sendall(sys.stdin.buffer.read())
        sys.stdout.buffer.write(recv_all(s))
    elif mode == "socks":
        s = connect(sys.argv[2])
        cmd = int(sys.argv[6]) if len(sys.argv) > 6 else 1
        rep, _ = socks_handshake(s, cmd, sys.argv[3], sys.argv[4], int(sys.argv[5]))
        print(rep)
    elif mode == "udp":
        s = connect(sys.argv[2])
        rep, bound = socks_handshake(s, 3, "ipv4", "0.0.0.0", 0)
        if rep != 0:
            print("rep", rep)
            return
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(2)
        if len(sys.argv) > 6 and sys.argv[6] == "domain":
            name = sys.argv[3].encode()
            addr = b"\x03" + bytes([len(name)]) + name
        else:
            addr = b"\x01" + socket.inet_aton(sys.argv[3])
        hdr = b"\x00\x00\x00" + addr + struct.pack(">H", int(sys.argv[4]))
        u.sendto(hdr + sys.argv[5].encode(), bound)
        try:
            d, _ = u.recvfrom(65536)
            print(d[10:].decode())
        except socket.timeout:
            print("timeout")
    elif mode == "slowloris":
        s = connect(sys.argv[2])
        start = time.time()
        head = b"GET http://allowed.test/ HTTP/1.1\r\nHost: allowed.test\r\n" + b"X-A: b\r\n" * 100
        try:
            for b in head:
                s.sendall(bytes([b]))
                time.sleep(float(sys.argv[3]))
                s.settimeout(0.001)
                try:
                    if s.recv(1) == b"":
                        break
                except socket.timeout:
                    pass
                s.settimeout(10)
        except (BrokenPipeError, ConnectionResetError):
            pass
        print("%.1f" % (time.time() - start))
    elif mode == "hold":
        n, secs = int(sys.argv[3]), float(sys.argv[4])
        conns = [connect(sys.argv[2]) for _ in range(n)]
        print("open", len(conns), flush=True)
        time.sleep(secs)
    elif mode == "tunnel":
        s = connect(sys.argv[2])
        target = sys.argv[3]
        s.sendall(b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (target.encode(), target.encode()))
        head = read_head(s)
        assert head.startswith(b"HTTP/1.1 200"), head
        sys.stderr.write("established\n")
        sys.stderr.flush()
        total = int(float(sys.argv[4]) * 1024 * 1024)
        block = bytes(range(256)) * 256
        stream = memoryview((block * (total // len(block) + 1))[:total])
        sent = got = 0
        s.setblocking(False)
        received = bytearray()
        while got < total:
            if sent < total:
                try:
                    # A partial send resumes where it stopped (unix sockets send less).
                    sent += s.send(stream[sent : sent + 65536])
                except BlockingIOError:
                    pass
            try:
                d = s.recv(262144)
                if not d:
                    break
                received += d
                got += len(d)
            except BlockingIOError:
                time.sleep(0.001)
        expect = (block * (total // len(block) + 1))[:total]
        print("ok %d" % got if bytes(received) == expect else "mismatch %d" % got)
    elif mode == "upload":
        upload(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif mode == "stall":
        stall(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif mode == "vanish":
        s = connect(sys.argv[2])
        target = sys.argv[3]
        s.sendall(b"CONNECT %s HTTP/1.1\r\n\r\n" % target.encode())
        read_head(s)
        got = 0
        while got < 1 << 20:
            d = s.recv(min(65536, (1 << 20) - got))
            if not d:
                break
            got += len(d)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        print("read", got)


def upload(spec, url, total):
    s = connect(spec)
    s.sendall(b"POST %s HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (url.encode(), total))
    head = read_head(s)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    body = b""
    while len(body) < length:
        d = s.recv(length - len(body))
        if not d:
            break
        body += d
    print(head.split(b"\r\n")[0].decode())
    sent = 0
    block = b"u" * 65536
    try:
        while sent < total:
            sent += s.send(block[: min(len(block), total - sent)])
        s.shutdown(socket.SHUT_WR)
        s.settimeout(10)
        rest = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            rest += d
        print("sent %d, %s" % (sent, "eof" if rest == b"" else "more data %r" % rest[:80]))
    except OSError as e:
        print("broke after %d: %s" % (sent, e.__class__.__name__))


def stall(spec, what, total):
    s = connect(spec)
    if what.startswith("http://"):
        s.sendall(b"GET %s HTTP/1.1\r\nConnection: close\r\n\r\n" % what.encode())
    else:
        s.sendall(b"CONNECT %s HTTP/1.1\r\n\r\n" % what.encode())
    head = read_head(s)
    got = 0
    while got < 65536:
        d = s.recv(65536 - got)
        if not d:
            sys.exit("connection closed after %d bytes: %r" % (got, head))
        got += len(d)
    sys.stderr.write("paused\n")
    sys.stderr.flush()
    time.sleep(2)
    while got < total:
        d = s.recv(min(1 << 20, total - got))
        if not d:
            break
        got += len(d)
    print("ok %d" % got)


if __name__ == "__main__":
    main()
