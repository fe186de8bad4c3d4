"""How much of a retrieval R@1 is the choice of query videos: R@k of every
query of a ``tools/test.py --dump`` file, and R@1 of each block of ``--block``
consecutive queries against the same gallery.

    python tools/test.py CONFIG CHECKPOINT --dump work_dirs/x/model.pkl \
        --cfg-options test_dataloader.dataset.data_root=ROOT
    python tools/benchmark/retrieval_blocks.py work_dirs/x/model.pkl [...] \
        [--block 128] [--log results.jsonl]

The numbers are VideoRetrievalMetric's own (the metric is built with the
feature orders that the dump's predictions name, and scores each subset of
queries); one markdown row per dump and feature group: R@1 and R@5 of all
queries, each block's R@1, and the blocks' standard deviation, which is how
far an R@1 on ``--block`` queries moves with the queries alone (the model and
the gallery fixed). The synthetic motion benchmark lists its test videos class
after class in turn (video ``i`` has class ``i % classes``), so a block of a
multiple of the classes holds each class equally. ``--log`` appends one JSON
line a dump.
"""
import argparse
import json
import pickle
import statistics
from pathlib import Path
from typing import Dict, List, Sequence

from mmvididi.evaluation import VideoRetrievalMetric
from mmvididi.utils import exit_on_user_error
from mmvididi.utils.prediction_fields import (FEATURE_FIELD,
                                              FEATURE_ORDERS_FIELD,
                                              GALLERY_ROLE, QUERY_ROLE,
                                              RETRIEVAL_ROLE_FIELD)


class DumpError(ValueError):
    """A file that is not the dump of a retrieval test."""


def metric_results(samples: Sequence[dict]) -> List[dict]:
    """The dumped predictions as VideoRetrievalMetric.process keeps them."""
    if not all(isinstance(s, dict) and RETRIEVAL_ROLE_FIELD in s and
               FEATURE_FIELD in s for s in samples):
        raise DumpError(f'a sample without {RETRIEVAL_ROLE_FIELD} or '
                        f'{FEATURE_FIELD}: dump the test of a '
                        'VideoRetrievalDataset with a model that predicts '
                        'features (tools/test.py CONFIG CHECKPOINT --dump '
                        'FILE)')
    return [VideoRetrievalMetric.result_of(sample) for sample in samples]


def load_dump(path: Path) -> List[dict]:
    """The predictions of a ``tools/test.py --dump`` file (checked by
    :func:`block_recalls`)."""
    try:
        with path.open('rb') as f:
            samples = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError) as error:
        raise DumpError('cannot read it as a tools/test.py --dump file '
                        f'({error})') from error
    if not isinstance(samples, list) or not samples:
        raise DumpError('not a list of predictions; write it with '
                        'tools/test.py CONFIG CHECKPOINT --dump FILE')
    return samples


def block_recalls(samples: Sequence[dict], block: int) -> Dict[str, dict]:
    """``{group: {'R@1', 'R@5', 'blocks': [R@1 of each block], 'block_sd'}}``
    for the feature groups of the dump (``order0``, ``order1``,
    ``orders0+1``; ``all`` for a feature of one block). The last block may be
    shorter; a single block has no standard deviation (``None``)."""
    results = metric_results(samples)  # checks every sample's fields
    queries, gallery = ([r for r, s in zip(results, samples)
                         if s[RETRIEVAL_ROLE_FIELD] == role]
                        for role in (QUERY_ROLE, GALLERY_ROLE))
    if not queries or not gallery:
        raise DumpError('no query or no gallery videos: dump the test of a '
                        'VideoRetrievalDataset (tools/test.py --dump), whose '
                        f'samples carry {RETRIEVAL_ROLE_FIELD}')
    metric = VideoRetrievalMetric(
        topk=(1, 5), orders=samples[0].get(FEATURE_ORDERS_FIELD))
    overall = metric.compute_metrics(queries + gallery)
    blocks = [metric.compute_metrics(queries[i:i + block] + gallery)
              for i in range(0, len(queries), block)]
    groups = {}
    for key in overall:
        if not key.endswith('R@1'):
            continue
        prefix = key[:-len('R@1')]
        each = [recall[key] for recall in blocks]
        groups[prefix.rstrip('/') or 'all'] = {
            'R@1': overall[key], 'R@5': overall[prefix + 'R@5'],
            'blocks': each,
            'block_sd': statistics.stdev(each) if len(each) > 1 else None}
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('dumps', nargs='+', type=Path,
                        help='tools/test.py --dump files of retrieval tests')
    parser.add_argument('--block', type=int, default=128,
                        help='queries a block (default: %(default)s, the '
                        "benchmark's usual test split)")
    parser.add_argument('--log', type=Path,
                        help='append one JSON line a dump to this file')
    args = parser.parse_args()
    if args.block < 1:
        parser.error(f'--block {args.block}: give a positive number of queries')
    print('| dump | features | queries | R@1 | R@5 | R@1 of each block of '
          f'{args.block} | their SD |\n| --- | --- | --- | --- | --- | --- '
          '| --- |')
    for dump in args.dumps:
        with exit_on_user_error(DumpError):
            try:
                samples = load_dump(dump)
                groups = block_recalls(samples, args.block)
            except DumpError as error:
                raise DumpError(f'{dump}: {error}') from error
        queries = sum(s[RETRIEVAL_ROLE_FIELD] == QUERY_ROLE for s in samples)
        for name, g in groups.items():
            sd = '' if g['block_sd'] is None else f"{g['block_sd']:.1f}"
            print(f"| {dump.name} | {name} | {queries} | {g['R@1']:.1f} | "
                  f"{g['R@5']:.1f} | "
                  f"{' '.join(f'{r:.1f}' for r in g['blocks'])} | {sd} |")
        if args.log:
            with args.log.open('a') as f:
                f.write(json.dumps(dict(dump=str(dump), queries=queries,
                                        block=args.block, groups=groups))
                        + '\n')


if __name__ == '__main__':
    main()
