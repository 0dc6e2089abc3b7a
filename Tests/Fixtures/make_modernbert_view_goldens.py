"""Goldens for what the workbench's views show of a ModernBERT (#30): the
attention arithmetic (`x`), the layer anatomy (`A`) and the logit lens,
captured by forward hooks inside transformers' own eager forward on the
committed tiny ModernBERT checkpoints (float32, as run):

  x                   (L, n, d)    each layer's input (the residual stream)
  attn_in             (L, n, d)    attn_norm(x) (layer 1: x itself, its norm is Identity)
  qkv                 (L, n, 3d)   the fused Wqkv's output, before the rotation
  query, key          (L, n, d)    q and k after transformers' apply_rotary_pos_emb, heads side by side
  scores, probs       (L, H, n, n) the softmax's input (scaled, the window or padding mask added) and output
  context             (L, n, d)    the heads' context vectors (the input of attn.Wo)
  attention_out       (L, n, d)    attn.Wo's output (before the residual)
  mlp_ln_in, mlp_ln_out (L, n, d)  mlp_norm's input (h = x + attention) and output
  ffn_act             (L, n, ff)   act(input) * gate (the input of mlp.Wo)
  ffn_out             (L, n, d)    mlp.Wo's output
  layer_out           (L, n, d)    each layer's output (before the final norm)
  embedding_ln_in, hidden_0 (n, d) the embedding norm's input and output
  lens                (L+1, vocab) masked-LM models: the head on each hidden state at the mask,
                                   through final_norm for every state but the last (which has it)

Writes view_goldens.safetensors (+ .json: text, ids, mask position, the
LayerNorms' gamma/beta means) beside each model.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_modernbert_view_goldens.py   (run by generate.sh)
"""
import json
import os
import sys

import torch
import transformers
from safetensors.torch import save_file
from transformers.models.modernbert.modeling_modernbert import apply_rotary_pos_emb

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_ablation_goldens import load_model  # noqa: E402

MODELS = ["tiny-modernbert-mlm", "tiny-modernbert-cls-mean"]
TEXT = "The quick brown fox jumps over the [MASK] dog, twice."


def capture(model, enc):
    base = model.model
    got = {k: [] for k in ["x", "attn_in", "qkv", "context", "attention_out", "mlp_ln_in", "mlp_ln_out",
                           "ffn_act", "ffn_out", "layer_out", "scores", "probs"]}
    emb = {}
    hooks = []

    def out(name):
        return lambda m, args, o: got[name].append((o[0] if isinstance(o, tuple) else o)[0].detach().clone())

    def inp(name):
        return lambda m, args: got[name].append(args[0][0].detach().clone())

    for layer in base.layers:
        hooks.append(layer.register_forward_pre_hook(inp("x")))
        hooks.append(layer.attn_norm.register_forward_hook(out("attn_in")))
        hooks.append(layer.attn.Wqkv.register_forward_hook(out("qkv")))
        hooks.append(layer.attn.Wo.register_forward_pre_hook(inp("context")))
        hooks.append(layer.attn.Wo.register_forward_hook(out("attention_out")))
        hooks.append(layer.mlp_norm.register_forward_pre_hook(inp("mlp_ln_in")))
        hooks.append(layer.mlp_norm.register_forward_hook(out("mlp_ln_out")))
        hooks.append(layer.mlp.Wo.register_forward_pre_hook(inp("ffn_act")))
        hooks.append(layer.mlp.Wo.register_forward_hook(out("ffn_out")))
        hooks.append(layer.register_forward_hook(out("layer_out")))
    hooks.append(base.embeddings.norm.register_forward_pre_hook(
        lambda m, args: emb.__setitem__("in", args[0][0].detach().clone())))
    softmax = torch.nn.functional.softmax

    def recording_softmax(x, *args, **kwargs):
        y = softmax(x, *args, **kwargs)
        if x.dim() == 4:
            got["scores"].append(x[0].detach().clone())
            got["probs"].append(y[0].detach().clone())
        return y

    torch.nn.functional.softmax = recording_softmax
    try:
        with torch.no_grad():
            res = model(**enc, output_attentions=True, output_hidden_states=True)
    finally:
        torch.nn.functional.softmax = softmax
        for h in hooks:
            h.remove()
    return got, emb, res


def rotated(model, qkv, layer):
    """q and k of one layer after transformers' own rotation, (n, d) each."""
    cfg, base = model.config, model.model
    n, H = qkv.shape[0], cfg.num_attention_heads
    dh = cfg.hidden_size // H
    parts = qkv.view(1, n, 3, H, dh).unbind(dim=2)
    q, k = parts[0].transpose(1, 2), parts[1].transpose(1, 2)
    positions = torch.arange(n).unsqueeze(0)
    cos, sin = base.rotary_emb(qkv.unsqueeze(0), positions, cfg.layer_types[layer])
    q, k = apply_rotary_pos_emb(q, k, cos, sin, unsqueeze_dim=1)
    return q[0].transpose(0, 1).reshape(n, -1), k[0].transpose(0, 1).reshape(n, -1)


def main():
    for name in sys.argv[1:] or MODELS:
        d = os.path.join(HERE, "models", name)
        model, tok = load_model(d)
        enc = tok(TEXT, return_tensors="pt")
        enc.pop("token_type_ids", None)
        got, emb, res = capture(model, enc)
        L = model.config.num_hidden_layers
        for key, values in got.items():
            assert len(values) == L, (name, key, len(values))
        for l in range(L):
            assert torch.equal(got["probs"][l], res.attentions[l][0]), (name, l)
        tensors = {k: torch.stack(v).float().contiguous() for k, v in got.items()}
        rot = [rotated(model, got["qkv"][l], l) for l in range(L)]
        tensors["query"] = torch.stack([q for q, _ in rot]).contiguous()
        tensors["key"] = torch.stack([k for _, k in rot]).contiguous()
        tensors["embedding_ln_in"] = emb["in"].float().contiguous()
        tensors["hidden_0"] = res.hidden_states[0][0].float().contiguous()
        spec = {"versions": {"torch": torch.__version__, "transformers": transformers.__version__},
                "text": TEXT, "ids": enc["input_ids"][0].tolist()}
        if isinstance(model, transformers.ModernBertForMaskedLM):
            pos = int((enc["input_ids"][0] == tok.mask_token_id).nonzero()[0, 0])
            with torch.no_grad():
                states = [h[0, pos] for h in res.hidden_states]
                lens = [model.decoder(model.head(s if l == L else model.model.final_norm(s)))
                        for l, s in enumerate(states)]
            tensors["lens"] = torch.stack(lens).float().contiguous()
            spec["mask_position"] = pos

        def mean(ln):
            if isinstance(ln, torch.nn.Identity):
                return [1.0, 0.0]
            bias = float(ln.bias.detach().mean()) if ln.bias is not None else 0.0
            return [float(ln.weight.detach().mean()), bias]
        spec["layer_norm_means"] = {"attention": [mean(l.attn_norm) for l in model.model.layers],
                                    "output": [mean(l.mlp_norm) for l in model.model.layers],
                                    "final": mean(model.model.final_norm)}
        save_file(tensors, os.path.join(d, "view_goldens.safetensors"))
        with open(os.path.join(d, "view_goldens.json"), "w", encoding="utf-8") as f:
            json.dump(spec, f)
            f.write("\n")
        print(name, "ok", tuple(tensors["scores"].shape))


if __name__ == "__main__":
    sys.exit(main())
