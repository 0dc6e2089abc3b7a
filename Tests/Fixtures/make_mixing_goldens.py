"""Context-mixing goldens for `dump --mixing`, from PyTorch on the committed
tiny checkpoints (float64): norm-based attention ||a_hij f_h(x_j)|| per head
and ||sum_h a_hij f_h(x_j)|| (Kobayashi et al. 2020), and the version with the
residual and LayerNorm (Kobayashi et al. 2021), from each layer's input x
(a forward pre-hook), its attention probabilities, value and output
projections and attention LayerNorm. A check on the way: sum_j z_ij + b_O
equals the LayerNorm's actual input (captured by a hook) for every layer.
ModernBERT (pre-LN): the values are read from attn_norm(x), the residual is x,
the LayerNorm is mlp_norm (the one the MLP reads the sum through), and value
zeroing compares each layer's own output (captured by a hook: transformers'
last hidden state is after the final norm).
Writes mixing_goldens.json and mixing_goldens.safetensors beside each model.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_mixing_goldens.py [MODEL…]   (run by generate.sh)
"""
import json
import os
import sys

import numpy as np
import torch
import transformers
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_ablation_goldens import load_model  # noqa: E402
from make_task_heads import inputs  # noqa: E402

MODELS = ["tiny-bert-pretraining", "tiny-distilbert-mlm", "tiny-roberta-mlm", "tiny-albert-pretraining",
          "tiny-deberta-v3-mlm", "tiny-electra-generator", "tiny-modernbert-mlm", "tiny-modernbert-cls-mean"]


class Fused(torch.nn.Module):
    """ModernBERT's value projection: the last third of the fused Wqkv, read from attn_norm(x)."""

    def __init__(self, layer, d):
        super().__init__()
        w = layer.attn.Wqkv
        self.norm = layer.attn_norm
        self.weight = w.weight[2 * d:]
        self.bias = w.bias[2 * d:] if w.bias is not None else torch.zeros(d)
        self.qkv = w
        self.d = d

    def values(self, x):
        return self.norm(x).double() @ self.weight.double().T + self.bias.double()
TEXT = "The cat sat on the mat, and the dog barked."


def parts(model):
    """(layer modules applied in order, value, output projection, attention LayerNorm) per layer."""
    mt = model.config.model_type
    if mt == "distilbert":
        return [(l, l.attention.v_lin, l.attention.out_lin, l.sa_layer_norm) for l in model.distilbert.transformer.layer]
    if mt == "albert":
        shared = model.albert.encoder.albert_layer_groups[0].albert_layers[0]
        return [(shared, shared.attention.value, shared.attention.dense, shared.attention.LayerNorm)] * model.config.num_hidden_layers
    base = getattr(model, model.base_model_prefix)
    if mt == "modernbert":
        return [(l, Fused(l, model.config.hidden_size), l.attn.Wo, l.mlp_norm) for l in base.layers]
    out = []
    for l in base.encoder.layer:
        value = l.attention.self.value_proj if mt == "deberta-v2" else l.attention.self.value
        out.append((l, value, l.attention.output.dense, l.attention.output.LayerNorm))
    return out


def layer_outputs(model, enc, layers):
    """Each layer's own output (n, d), from a hook (ModernBERT's last hidden state is after the final norm)."""
    if model.config.model_type != "modernbert":
        with torch.no_grad():
            res = model(**enc, output_hidden_states=True)
        return [h[0].double() for h in res.hidden_states[1:]]
    out = []
    hooks = [mod.register_forward_hook(
        lambda m, args, output: out.append((output[0] if isinstance(output, tuple) else output)[0].detach().double()))
        for mod, _, _, _ in layers]
    with torch.no_grad():
        model(**enc)
    for h in hooks:
        h.remove()
    return out


def main():
    for name in sys.argv[1:] or MODELS:
        d = os.path.join(HERE, "models", name)
        model, tok = load_model(d)
        enc, _, _ = inputs(model, tok, TEXT)
        layers = parts(model)
        xs, ln_in = [], []
        hooks = []
        seen = set()
        for mod, _, _, ln in layers:
            if id(mod) in seen:
                continue  # ALBERT: one shared module, called once per layer
            seen.add(id(mod))
            hooks.append(mod.register_forward_pre_hook(
                lambda m, args, kwargs: xs.append((args[0] if args else kwargs["hidden_states"]).detach().double()),
                with_kwargs=True))
            hooks.append(ln.register_forward_pre_hook(lambda m, args: ln_in.append(args[0].detach().double())))
        with torch.no_grad():
            res = model(**enc, output_attentions=True, output_hidden_states=True)
        for h in hooks:
            h.remove()
        L = len(layers)
        assert len(xs) == L and len(ln_in) == L, (name, len(xs), len(ln_in))
        cfg = model.config
        H = cfg.num_attention_heads if hasattr(cfg, "num_attention_heads") else cfg.n_heads
        heads_all, summed_all, resln_all = [], [], []
        for l, (_, value, out_proj, ln) in enumerate(layers):
            x = xs[l][0]
            a = res.attentions[l][0].double()  # (H, n, n)
            n, dm = x.shape
            dh = dm // H
            if isinstance(value, Fused):
                with torch.no_grad():
                    v = value.values(x.float()).double()
            else:
                v = x @ value.weight.double().T + value.bias.double()
            wo = out_proj.weight.double()
            f = torch.stack([v[:, h * dh:(h + 1) * dh] @ wo[:, h * dh:(h + 1) * dh].T for h in range(H)])  # (H, n, d)
            heads_all.append(a * f.norm(dim=-1)[:, None, :])
            mix = torch.einsum("hij,hjd->ijd", a, f)  # (n, n, d): sum over heads
            summed_all.append(mix.norm(dim=-1))
            z = mix.clone()
            z[torch.arange(n), torch.arange(n)] += x
            y = z.sum(1) + (out_proj.bias.double() if out_proj.bias is not None else 0)
            assert torch.allclose(y, ln_in[l][0], atol=1e-4), (name, l, float((y - ln_in[l][0]).abs().max()))
            s = (y.var(dim=-1, unbiased=False) + ln.eps).sqrt()  # (n)
            g = ln.weight.double() * (z - z.mean(-1, keepdim=True)) / s[:, None, None]
            resln_all.append(g.norm(dim=-1))
        # Value zeroing (Mohebbi et al. 2023): token j's values zeroed in layer l only; the cosine
        # distance of every token's layer-l output to the original, rows normalised.
        outputs = layer_outputs(model, enc, layers)
        zeroing = []
        for l, (mod, value, _, _) in enumerate(layers):
            n = outputs[l].shape[0]
            rows = []
            for j in range(n):
                calls = {"value": 0, "layer": 0}
                captured = {}
                def zero_value(m, args, output, j=j, l=l):
                    k = calls["value"]
                    calls["value"] += 1
                    if k == l:
                        output = output.clone()
                        output[0, j] = 0
                        return output
                def keep(m, args, output, l=l):
                    k = calls["layer"]
                    calls["layer"] += 1
                    if k == l:
                        captured["y"] = (output[0] if isinstance(output, tuple) else output)[0].detach().double()
                if isinstance(value, Fused):
                    def zero_value(m, args, output, j=j, l=l, d=value.d):
                        if calls["value"] == l:
                            output = output.clone()
                            output[0, j, 2 * d:] = 0
                        calls["value"] += 1
                        return output
                hv = (value.qkv if isinstance(value, Fused) else value).register_forward_hook(zero_value)
                hl = mod.register_forward_hook(keep)
                # Non-shared layers are called once each: count only this layer's own calls.
                if model.config.model_type != "albert":
                    calls["value"] = calls["layer"] = l
                with torch.no_grad():
                    model(**enc)
                hv.remove()
                hl.remove()
                y0, y1 = outputs[l], captured["y"]
                rows.append(1 - torch.nn.functional.cosine_similarity(y0, y1, dim=-1))
            m = torch.stack(rows, dim=1)  # (i, j)
            zeroing.append(m / m.sum(-1, keepdim=True))
        # Attention flow (Abnar & Zuidema 2020), through layers 0..l, with networkx's maximum flow.
        import networkx as nx
        att = np.stack([a[0].double().mean(0).numpy() for a in res.attentions])  # (L, n, n)
        n = att.shape[-1]
        res_att = att + np.eye(n)[None]
        res_att = res_att / res_att.sum(-1, keepdims=True)
        flows = []
        for top in range(len(layers)):
            g = nx.DiGraph()
            for l in range(top + 1):
                for i in range(n):
                    for j in range(n):
                        if res_att[l, i, j] > 0:
                            g.add_edge((l + 1) * n + i, l * n + j, capacity=float(res_att[l, i, j]))
            f = np.array([[nx.maximum_flow_value(g, (top + 1) * n + i, j) for j in range(n)] for i in range(n)])
            flows.append(torch.tensor(f / f.sum(-1, keepdims=True)))
        # Rollout (Abnar & Zuidema 2020) of the same ½A + ½I, and Mohebbi et al.'s rollout over value
        # zeroing (their compute_joint_attention with res=False: the maps already hold the residual).
        def joint(mats):
            out, acc = [], None
            for m in mats:
                acc = m if acc is None else m @ acc
                out.append(acc)
            return torch.stack(out)
        rollout = joint([torch.tensor(m) for m in res_att])
        zeroing_rollout = joint(zeroing)
        tensors = {"norm_heads": torch.stack(heads_all).float().contiguous(),
                   "rollout": rollout.float().contiguous(),
                   "value_zeroing_rollout": zeroing_rollout.float().contiguous(),
                   "attention_flow": torch.stack(flows).float().contiguous(),
                   "value_zeroing": torch.stack(zeroing).float().contiguous(),
                   "norm": torch.stack(summed_all).float().contiguous(),
                   "norm_res_ln": torch.stack(resln_all).float().contiguous()}
        save_file(tensors, os.path.join(d, "mixing_goldens.safetensors"))
        with open(os.path.join(d, "mixing_goldens.json"), "w", encoding="utf-8") as f:
            json.dump({"versions": {"torch": torch.__version__, "transformers": transformers.__version__},
                       "text": TEXT, "ids": enc["input_ids"][0].tolist()}, f)
            f.write("\n")
        print(name, "ok", tuple(tensors["norm_heads"].shape))


if __name__ == "__main__":
    sys.exit(main())
