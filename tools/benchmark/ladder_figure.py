"""The camera ladder at the learning budget, drawn from the benchmark's records:
ViDiDi against its baseline twin (SimCLR, 4 x data, 2,400 steps) on every rung,
frames (order 0) R@1, first-derivative (order 1) R@1 and the frames' joint
speed x direction motion probe on the rung's test videos; each training seed a
dot, the seeds' mean a line.

    python tools/benchmark/ladder_figure.py docs/images/realistic_ladder4x.png

It reads the ``kind: run`` and ``kind: probe`` lines of the JSONL records
(``--records DIR``, default docs/benchmark_runs): for each rung, the runs named
``{rung}4x_{vididi|baseline}_50e_seed{N}`` in the file that
docs/motion_benchmark.md's ladder table takes the rung from (``RUNGS``: the
static and strong rungs from the CPU runs, mild and handheld from the GPU
runs), and those named ``{rung}4x_{vididi|baseline}+stab_50e_seed{N}``
(trained and tested on stabilised clips) in the CPU runs, the last line of a
name winning (a resumed run's), and the probes of those runs' ``epoch_50.pth``
on the rung's ``test_videos.txt``, averaged over fold seeds, and the frames'
R@1 on the rung's 1,024 test videos (``kind: retrieval_blocks`` lines of
``BLOCKS_RECORDS`` for those runs' ``epoch_50.pth`` on
``work_dirs/bigtest/{rung}_root``: the measure that can see leads of a few
points; a checkpoint tested again: the last line; on the rungs of
``RERUNS_1024``, whose ladder checkpoints were not kept to be tested there,
the plain models' values are those of the same runs trained again on the
data of the rung's stabilised runs, ``{rung}4x_{vididi|baseline}_50e_seed{N}``
plus the rung's rerun suffixes, a later suffix's value of a seed replacing an
earlier one's). Draws nothing it did not find, and prints what it drew.
"""
import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from motion_benchmark import CHANCE_R1  # noqa: E402

#: (rung, records file): where the ladder table takes each rung from.
RUNGS: Tuple[Tuple[str, str], ...] = (
    ('static', 'realistic_4x_cpu_runs.jsonl'),
    ('mild', 'realistic_4x_gpu_runs.jsonl'),
    ('handheld', 'realistic_4x_gpu_runs.jsonl'),
    ('strong', 'realistic_4x_cpu_runs.jsonl'),
)
MODELS = ('vididi', 'baseline')
#: the runs on stabilised clips (MotionCompensation(stabilize=True)), and the
#: records file they are in
STABILISED = ('vididi+stab', 'baseline+stab')
STABILISED_RECORDS = 'realistic_4x_cpu_runs.jsonl'
#: the R@1 of every checkpoint tested on 1,024 test videos (on the CPU)
BLOCKS_RECORDS = 'realistic_4x_1024_queries_cpu.jsonl'
#: rungs whose plain ladder checkpoints were not kept to be tested on the
#: 1,024 test videos, and the name suffixes of the plain runs trained again
#: on the rung's data (written again with its stabilised runs') that stand in
#: for them in that panel: for a seed, the last suffix that has a value wins
#: (at `handheld` ``_rerun`` of seed 0 is a run on the data as written
#: before, with x264's mb-tree; ``_rerun2`` is that seed on the same data;
#: at `strong` the ladder's seeds 1 and 2 were tested, on the data as
#: written before, and ``_rerun`` of seeds 0 and 1 are on the same data)
RERUNS_1024: Dict[str, Tuple[str, ...]] = {
    'static': ('_rerun',), 'handheld': ('_rerun', '_rerun2'),
    'strong': ('_rerun',)}
#: panel: (title, what a value is, chance)
PANELS = (('frames (order 0), R@1, 128 queries', 'r1_o0', CHANCE_R1),
          ('frames (order 0), R@1, 1,024 queries', 'r1_o0_1024', CHANCE_R1),
          ('first derivative (order 1), R@1, 128 queries', 'r1_o1',
           CHANCE_R1),
          ('frames, motion probe (joint)', 'joint', 100 / 6))

#: {rung: {model: {metric: {seed: value}}}}
Ladder = Dict[str, Dict[str, Dict[str, Dict[int, float]]]]


def read_ladder(records: Path) -> Ladder:
    """The values to draw, from the records in ``records`` (module
    docstring)."""
    lines = {}  # each records file read once: {file name: [record, ...]}
    for file_name in ({name for _, name in RUNGS}
                      | {STABILISED_RECORDS, BLOCKS_RECORDS}):
        with open(records / file_name) as f:
            lines[file_name] = [json.loads(line) for line in f]
    ladder: Ladder = {}
    for rung, file_name in RUNGS:
        ladder[rung] = {
            **read_models(rung, MODELS, lines[file_name]),
            **read_models(rung, STABILISED, lines[STABILISED_RECORDS])}
        tested = read_1024(rung, STABILISED, lines[BLOCKS_RECORDS])
        for suffix in RERUNS_1024.get(rung, ('',)):
            for model, seeds in read_1024(rung, MODELS,
                                          lines[BLOCKS_RECORDS],
                                          suffix).items():
                tested.setdefault(model, {}).update(seeds)
        for model, seeds in tested.items():
            ladder[rung][model]['r1_o0_1024'] = seeds
    return ladder


def run_name_pattern(rung: str, models: Tuple[str, ...]) -> str:
    """The regular expression of a ladder run's name,
    ``{rung}4x_{model}_50e_seed{N}``: group 1 the model, group 2 the seed."""
    return rf'{rung}4x_({"|".join(map(re.escape, models))})_50e_seed(\d+)'


def final_checkpoint(rung: str, models: Tuple[str, ...], path: str,
                     suffix: str = '') -> Optional[Tuple[str, int]]:
    """``(model, training seed)`` of ``path`` where it is the
    ``epoch_50.pth`` of a run ``{rung}4x_{model}_50e_seed{N}{suffix}``, else
    None."""
    match = re.search(run_name_pattern(rung, models) + re.escape(suffix)
                      + r'/epoch_50\.pth$', path or '')
    return (match.group(1), int(match.group(2))) if match else None


def read_1024(rung: str, models: Tuple[str, ...], lines: List[dict],
              suffix: str = '') -> Dict[str, Dict[int, float]]:
    """``{model: {seed: frames R@1}}`` on the rung's 1,024 test videos, of
    the runs named ``{rung}4x_{model}_50e_seed{N}{suffix}``."""
    values: Dict[str, Dict[int, float]] = defaultdict(dict)
    for record in lines:
        found = final_checkpoint(rung, models, record.get('checkpoint'),
                                 suffix)
        if (found and record.get('kind') == 'retrieval_blocks'
                and record.get('data_root') ==
                f'work_dirs/bigtest/{rung}_root'):
            values[found[0]][found[1]] = record['groups']['order0']['R@1']
    return values


def read_models(rung: str, models: Tuple[str, ...], lines: List[dict]
                ) -> Dict[str, Dict[str, Dict[int, float]]]:
    """``{model: {metric: {seed: value}}}`` of ``models`` on ``rung``, from
    one records file's ``lines``."""
    run_name = re.compile(run_name_pattern(rung, models))
    values: Dict[str, Dict[str, Dict[int, float]]] = {
        model: defaultdict(dict) for model in models}
    # (model, seed) -> {fold seed: joint}; a probe run again: the last
    folds: Dict[Tuple[str, int], Dict[int, float]] = defaultdict(dict)
    for record in lines:
        if record.get('kind') == 'run':
            match = run_name.fullmatch(record.get('name', ''))
            if match and record.get('r1_o0') is not None:
                seed = int(match.group(2))
                for key in ('r1_o0', 'r1_o1'):
                    values[match.group(1)][key][seed] = record[key]
        elif (record.get('kind') == 'probe'
              and record.get('ann_file') == 'test_videos.txt'
              and str(record.get('data_root', '')).endswith(
                  f'data_{rung}_4x')):
            found = final_checkpoint(rung, models, record.get('checkpoint'))
            if found:
                folds[found][record.get('fold_seed', 0)] = record['joint']
    for (model, seed), joints in folds.items():
        values[model]['joint'][seed] = sum(joints.values()) / len(joints)
    return values


def draw(ladder: Ladder, path: Path) -> None:
    """A panel a measure (``PANELS``), the rungs along x (PNG at
    ``path``)."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=(17, 4.2))  # no pyplot: no GUI backend, no state
    axes = fig.subplots(1, len(PANELS))
    rungs = [rung for rung, _ in RUNGS]
    styles = {'vididi': ('ViDiDi', 'tab:red', -0.09),
              'baseline': ('baseline', 'tab:blue', -0.03),
              'vididi+stab': ('ViDiDi, stabilised clips', 'tab:orange', 0.03),
              'baseline+stab': ('baseline, stabilised clips', 'tab:cyan',
                                0.09)}
    for ax, (title, key, chance) in zip(axes, PANELS):
        ax.axhline(chance, color='grey', linewidth=0.8, linestyle=':')
        for model, (label, colour, shift) in styles.items():
            means = []  # a rung without values: NaN, a gap in the line
            for x, rung in enumerate(rungs):
                seeds = ladder[rung][model][key]
                means.append(sum(seeds.values()) / len(seeds) if seeds
                             else float('nan'))
                ax.scatter([x + shift] * len(seeds), list(seeds.values()),
                           color=colour, s=14, alpha=0.6)
            if any(mean == mean for mean in means):
                ax.plot(range(len(rungs)), means, color=colour, marker='_',
                        markersize=14, label=f'{label} (mean of seeds)')
        ax.set_xticks(range(len(rungs)), [
            f'{rung}\n({file_name.split("_")[2].upper()})'
            for rung, file_name in RUNGS])
        ax.set(title=title, ylim=(0, 40), xlabel='camera rung')
    axes[0].set_ylabel('% (dotted: chance)')
    axes[-1].legend(fontsize=8)
    fig.suptitle('The camera ladder, SimCLR, 4 x data, 2,400 steps: '
                 'each dot a training seed (stabilised clips: CPU)')
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('out', type=Path, help='the PNG to write')
    parser.add_argument('--records', type=Path,
                        default=Path('docs/benchmark_runs'))
    args = parser.parse_args()
    ladder = read_ladder(args.records)
    for rung, models in ladder.items():
        for model, metrics in models.items():
            print(rung, model, {key: {s: round(v, 1) for s, v in
                                      sorted(seeds.items())}
                                for key, seeds in metrics.items()})
    draw(ladder, args.out)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
