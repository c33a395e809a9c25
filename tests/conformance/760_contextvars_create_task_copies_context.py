# Rule 11 (contextvars): create_task copies the creator's current context when the task is created; a set in a task is seen by its later steps and by tasks it creates afterwards, never by its creator or its siblings; a set by the creator after the create_task is not seen by the child.
import asyncio, contextvars, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

request = contextvars.ContextVar("request", default="none")
user = contextvars.ContextVar("user")


async def grandchild(tag):
    log(f"{tag}: request={request.get()} user={user.get('?')}")


async def child(tag, value, d):
    log(f"{tag} starts: request={request.get()} user={user.get('?')}")
    request.set(value)
    await asyncio.sleep(d)
    log(f"{tag} after sleep: request={request.get()}")
    g = asyncio.create_task(grandchild(f"{tag}.g"))
    request.set(value + "-late")
    await g
    log(f"{tag} ends: request={request.get()}")


async def main():
    user.set("ada")
    a = asyncio.create_task(child("a", "ra", 0.25))
    request.set("main-1")
    b = asyncio.create_task(child("b", "rb", 0.125))
    user.set("bob")
    log(f"main after spawns: request={request.get()} user={user.get()}")
    await asyncio.sleep(0)
    log(f"main after one step: request={request.get()}")
    await a
    await b
    log(f"main ends: request={request.get()} user={user.get()}")

run(main())
