# Rules 5, 7: result() and exception() of pending and cancelled futures raise InvalidStateError and CancelledError; cancel() on a done future is False.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run



async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    try:
        f.result()
    except asyncio.InvalidStateError as e:
        log(f"pending result(): InvalidStateError {e}")
    try:
        f.exception()
    except asyncio.InvalidStateError as e:
        log(f"pending exception(): InvalidStateError {e}")
    f.cancel("stop")
    try:
        f.result()
    except asyncio.CancelledError as e:
        log(f"cancelled result(): CancelledError {e.args}")
    try:
        f.exception()
    except asyncio.CancelledError as e:
        log(f"cancelled exception(): CancelledError {e.args}")
    g = loop.create_future()
    g.set_result(None)
    log(f"done result={g.result()} exception={g.exception()} cancel={g.cancel()}")

run(main())
