import json
import os


def handler(event, context):
    request = json.loads(event or b"{}")
    greeting = os.environ.get("GREETING", "hello")
    if request.get("fail"):
        raise ValueError("asked to fail")
    print(f"greeting {request.get('name', 'world')}")
    return json.dumps({"message": f"{greeting}, {request.get('name', 'world')}"})
