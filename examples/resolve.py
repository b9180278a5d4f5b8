#!/usr/bin/env python3
"""Get a user's key from Keyhaven over HTTP and call the provider with it (standard library only).

    KEYHAVEN_URL=http://localhost:3000 KEYHAVEN_TOKEN=kh_... python3 examples/resolve.py [service] [user_id]

A personal token resolves its own user's key (leave user_id out); a service token must name
the user. The key is used, never printed.
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

base = os.environ.get("KEYHAVEN_URL", "http://localhost:3000").rstrip("/")
token = os.environ.get("KEYHAVEN_TOKEN")
service = sys.argv[1] if len(sys.argv) > 1 else "openai"
user_id = sys.argv[2] if len(sys.argv) > 2 else None
if not token:
    sys.exit("Set KEYHAVEN_TOKEN to an access token (kh_...) with the resolve scope")


def get_json(url, headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as answer:
        return answer.status, json.load(answer)


query = "?" + urllib.parse.urlencode({"userId": user_id}) if user_id else ""
try:
    _, key = get_json(f"{base}/api/resolve/{urllib.parse.quote(service)}{query}", {"Authorization": f"Bearer {token}"})
except urllib.error.HTTPError as err:
    # Keyhaven's errors are {"error": {"code", "message"}}: one line says what to do.
    sys.exit(f"Keyhaven refused ({err.code}): {json.load(err)['error']['message']}")

print(f"{service}: key from {key['source']} ({key['keyId'] or 'environment'}), base URL {key['baseUrl']}")

# Call the provider the way any client would: its base URL and the auth headers Keyhaven gave.
if service in ("openai", "groq", "xai", "custom"):
    status, models = get_json(f"{key['baseUrl']}/models", key["headers"])
    print(f"GET /models answered {status}: {len(models.get('data', []))} models")
