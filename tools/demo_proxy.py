"""The reverse proxy in front of a multi-worker Odoo for ``make demo WORKERS=n``.

    python tools/demo_proxy.py --listen 8069 --http 8070 --websocket 8072

With ``--workers``, Odoo serves HTTP from prefork worker processes and the
websocket of live notifications (``/websocket``) from a separate gevent
process on its own port; in production a reverse proxy sends each request to
the right one. This stand-in does the same on 127.0.0.1 for the demo:
connections that open with a websocket upgrade go to the websocket port, all
others to the HTTP workers. Bytes are relayed unchanged (the Host and Origin
headers stay those the browser sent, as Odoo's websocket check expects).
"""

import argparse
import asyncio
import contextlib

HOST = "127.0.0.1"
MAX_HEADER = 65536


async def relay(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


def is_websocket_upgrade(head):
    for line in head.split(b"\r\n")[1:]:
        name, _sep, value = line.partition(b":")
        if name.strip().lower() == b"upgrade" and b"websocket" in value.lower():
            return True
    return False


async def handle(client_reader, client_writer, http_port, websocket_port):
    try:
        head = await client_reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        client_writer.close()
        return
    port = websocket_port if is_websocket_upgrade(head) else http_port
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection(HOST, port)
    except OSError:
        client_writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        client_writer.close()
        return
    upstream_writer.write(head)
    await asyncio.gather(
        relay(client_reader, upstream_writer),
        relay(upstream_reader, client_writer),
    )


async def serve(listen, http_port, websocket_port):
    server = await asyncio.start_server(
        lambda reader, writer: handle(reader, writer, http_port, websocket_port),
        HOST,
        listen,
        limit=MAX_HEADER,
    )
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--http", type=int, required=True)
    parser.add_argument("--websocket", type=int, required=True)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.listen, args.http, args.websocket))


if __name__ == "__main__":
    main()
