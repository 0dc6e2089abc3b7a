"""Times head importance (one pass per head alone ablated, log p of the
target) in BertScope and in PyTorch doing the same loop, 2 threads:

- all-MiniLM-L6-v2 with BertScope's sentiment head (Samples/sentiment
  overlay; 72 heads), the predicted class as target;
- a bert-base-shaped BertForMaskedLM with random weights (144 heads; written
  once to $BERTSCOPE_BENCH_DIR, default ~/.cache/bertscope-bench), the top
  prediction at a mask in the middle as target.

PyTorch zeroes the head's slice of the attention-output projection's input
with a forward pre-hook (transformers' old head_mask) and runs every pass
whole; BertScope resumes each pass at the head's layer and projects all the
mask vectors onto the vocabulary at once. Then `bertscope bench
--importance` on the same shapes.

  python Tests/Bench/importance_speed.py [TOKENS]   (venv: torch, transformers, captum, safetensors)
"""
import json
import os
import shutil
import subprocess
import sys

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from explain_speed import ROOT, load, median_ms, model_dir  # noqa: E402

TOKENS = int(sys.argv[1]) if len(sys.argv) > 1 else 32
CACHE = os.environ.get("BERTSCOPE_BENCH_DIR", os.path.expanduser("~/.cache/bertscope-bench"))
TEXT = "The film was slow at first, but the acting was wonderful and the ending truly moved me. "
torch.set_num_threads(2)


def bert_base_mlm_dir():
    d = os.path.join(CACHE, "bert-base-mlm-random")
    if not os.path.exists(os.path.join(d, "model.safetensors")):
        torch.manual_seed(0)
        BertForMaskedLM(BertConfig(attn_implementation="eager")).save_pretrained(d, safe_serialization=True)
        for f in ("vocab.txt", "tokenizer.json", "tokenizer_config.json"):
            shutil.copy(os.path.join(model_dir(), f), d)
    return d


def importance_loop(model, encoder, ids, log_p):
    """One full forward per head with that head's context zeroed; returns the deltas."""
    cfg = model.config
    dh = cfg.hidden_size // cfg.num_attention_heads
    with torch.no_grad():
        base = log_p(ids)
        deltas = []
        for layer in encoder.layer:
            for h in range(cfg.num_attention_heads):
                def zero(module, args, h=h):
                    x = args[0].clone()
                    x[..., h * dh:(h + 1) * dh] = 0
                    return (x,)
                handle = layer.attention.output.dense.register_forward_pre_hook(zero)
                deltas.append(log_p(ids) - base)
                handle.remove()
    return deltas


def bertscope(model, target):
    binary = os.path.join(ROOT, ".build/release/bertscope")
    out = subprocess.run([binary, "bench", "--model", model, "--importance", target, "--tokens", str(TOKENS),
                          "--iterations", "20", "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main():
    tok = BertTokenizerFast.from_pretrained(model_dir())
    ids = tok(TEXT * (TOKENS // 8 + 2), truncation=True, max_length=TOKENS, return_tensors="pt")["input_ids"]
    rows = []

    m = load()
    label = int(m(input_ids=ids).logits[0].argmax())
    class_p = lambda x: float(m(input_ids=x).logits[0].log_softmax(-1)[label])  # noqa: E731
    torch_ms = median_ms(lambda: importance_loop(m, m.bert.encoder, ids, class_p), 3)
    rows.append(("all-MiniLM-L6-v2, class", 72, bertscope(model_dir(), "class"), torch_ms))

    d = bert_base_mlm_dir()
    big = BertForMaskedLM.from_pretrained(d, attn_implementation="eager").eval()
    masked = ids.clone()
    p = masked.shape[1] // 2
    masked[0, p] = tok.mask_token_id
    with torch.no_grad():
        top = int(big(input_ids=masked).logits[0, p].argmax())
    mask_p = lambda x: float(big(input_ids=x).logits[0, p].log_softmax(-1)[top])  # noqa: E731
    torch_ms = median_ms(lambda: importance_loop(big, big.bert.encoder, masked, mask_p), 3)
    rows.append(("bert-base shape, mask", 144, bertscope(d, "mask"), torch_ms))

    print(f"head importance at {TOKENS} tokens, 2 threads")
    print(f"{'':24} {'heads':>6} {'BertScope ms':>13} {'PyTorch ms':>11} {'ratio':>6}")
    for name, heads, ours, theirs in rows:
        assert ours["passes"] == heads, ours
        print(f"{name:24} {heads:6d} {ours['importance_ms']:13.1f} {theirs:11.1f} {ours['importance_ms'] / theirs:6.2f}")


if __name__ == "__main__":
    main()
