#!/usr/bin/env python3
"""seed_models.py STATE_DIR PREFIX N: puts models PREFIX0..PREFIX{N-1} in sbxsim's store
(models.json), copying the shape of a real entry: the registry has only a few repositories."""
import hashlib
import json
import os
import sys

state, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
path = os.path.join(state, "models.json")
models = json.load(open(path)) if os.path.exists(path) else []
have = {t for m in models for t in m["tags"]}
for i in range(n):
    tag = "docker.io/%s%d:latest" % (prefix, i)
    if tag in have:
        continue
    models.append({
        "id": "sha256:" + hashlib.sha256(tag.encode()).hexdigest(),
        "tags": [tag],
        "created": 1751039531,
        "config": {"format": "gguf", "quantization": "Q4_K_M", "parameters": "361.82 M",
                   "architecture": "llama", "size": "256.35 MiB",
                   "gguf": {"general.architecture": "llama", "llama.context_length": "8192"}},
    })
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(models, f)
os.replace(tmp, path)
