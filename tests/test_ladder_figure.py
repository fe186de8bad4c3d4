"""tools/benchmark/ladder_figure.py: the camera ladder drawn from the records."""
import json
import subprocess
import sys

from tests.test_motion_benchmark import ROOT, load_tool


def write_records(folder):
    run = dict(kind='run', r1_o0=10.0, r1_o1=20.0)
    probe = dict(kind='probe', ann_file='test_videos.txt')
    cpu = [
        dict(run, name='static4x_vididi_50e_seed0', r1_o0=30.0),
        dict(run, name='static4x_baseline_50e_seed0'),
        dict(run, name='static4x_vididi_50e_seed1', r1_o0=None),  # no test
        dict(run, name='static4x_vididi+sfm_50e_seed0', r1_o0=99.0),
        dict(run, name='handheld4x_vididi_50e_seed0', r1_o0=99.0),  # CPU
        dict(run, name='strong4x_vididi_50e_seed2', r1_o1=5.0),
        dict(run, name='strong4x_vididi+stab_50e_seed1', r1_o0=18.0),
        dict(run, name='handheld4x_baseline+stab_50e_seed0', r1_o0=11.0),
        dict(probe, data_root='work_dirs/supervised/data_strong_4x',
             checkpoint='w/strong4x_vididi+stab_50e_seed1/epoch_50.pth',
             joint=24.0),
    ] + [dict(probe, data_root='work_dirs/supervised/data_static_4x',
              checkpoint='w/static4x_vididi_50e_seed0/epoch_50.pth',
              fold_seed=fold, joint=joint)
         for fold, joint in ((0, 20.0), (1, 30.0), (1, 40.0))] + [
        dict(probe, data_root='data/registry_footage', joint=90.0,
             checkpoint='w/static4x_vididi_50e_seed0/epoch_50.pth'),
        dict(probe, data_root='work_dirs/supervised/data_static_4x',
             joint=90.0, checkpoint='w/static4x_vididi_50e_seed0/epoch_40.pth')]
    gpu = [dict(run, name='handheld4x_vididi_50e_seed1', r1_o0=None),
           dict(run, name='handheld4x_vididi_50e_seed1', r1_o0=17.0),
           dict(run, name='mild4x_baseline_50e_seed0', r1_o0=13.0)]

    def blocks(checkpoint, r1, rung='mild'):
        return dict(kind='retrieval_blocks', checkpoint=checkpoint,
                    data_root=f'work_dirs/bigtest/{rung}_root',
                    groups={'order0': {'R@1': r1}, 'order1': {'R@1': 0.0}})
    tested = [
        blocks('w/gpu_mild4x/mild4x_vididi_50e_seed1/epoch_50.pth', 15.0),
        blocks('w/mild4x_vididi+stab_50e_seed2/epoch_50.pth', 16.0),
        blocks('w/mild4x_vididi+stab_50e_seed2/epoch_50.pth', 17.0),  # again
        blocks('w/mild4x_vididi_50e_seed0_rerun/epoch_50.pth', 99.0),
        blocks('w/mild4x_baseline_50e_seed0/epoch_40.pth', 99.0),
        dict(blocks('w/mild4x_baseline_50e_seed0/epoch_50.pth', 99.0),
             data_root='work_dirs/bigtest/strong_root'),
        # static: the ladder's checkpoints were not kept; the reruns stand in
        blocks('w/static4x_vididi_50e_seed0_rerun/epoch_50.pth', 30.0,
               'static'),
        blocks('w/static4x_vididi_50e_seed1/epoch_50.pth', 99.0, 'static'),
        blocks('w/static4x_vididi_50e_seed2_rerun2/epoch_50.pth', 99.0,
               'static'),
        blocks('w/static4x_vididi+stab_50e_seed0/epoch_50.pth', 27.0,
               'static'),
        blocks('w/static4x_vididi+stab_50e_seed1_rerun/epoch_50.pth', 99.0,
               'static'),
        # handheld: seed 0's _rerun is on the data as written before; its
        # _rerun2, on the stabilised runs' data, replaces it
        blocks('w/handheld4x_vididi_50e_seed0_rerun2/epoch_50.pth', 13.8,
               'handheld'),
        blocks('w/handheld4x_vididi_50e_seed0_rerun/epoch_50.pth', 15.1,
               'handheld'),
        blocks('w/handheld4x_vididi_50e_seed1_rerun/epoch_50.pth', 14.8,
               'handheld'),
        blocks('w/handheld4x_vididi_50e_seed2/epoch_50.pth', 99.0,
               'handheld'),
        # strong: the ladder's tested seeds were on the data as written
        # before; the reruns replace them
        blocks('w/strong4x_vididi_50e_seed1/epoch_50.pth', 99.0, 'strong'),
        blocks('w/strong4x_vididi_50e_seed1_rerun/epoch_50.pth', 12.0,
               'strong')]
    for name, lines in (('realistic_4x_cpu_runs.jsonl', cpu),
                        ('realistic_4x_gpu_runs.jsonl', gpu),
                        ('realistic_4x_1024_queries_cpu.jsonl', tested)):
        (folder / name).write_text(
            ''.join(json.dumps(line) + '\n' for line in lines))


def test_each_rung_from_its_own_records(tmp_path):
    write_records(tmp_path)
    ladder = load_tool('tools/benchmark/ladder_figure.py').read_ladder(
        tmp_path)
    assert ladder['static']['vididi']['r1_o0'] == {0: 30.0}  # tested runs
    assert ladder['static']['baseline']['r1_o1'] == {0: 20.0}
    # test videos, the final checkpoint, the last line of a fold seed
    assert ladder['static']['vididi']['joint'] == {0: 30.0}
    assert ladder['handheld']['vididi']['r1_o0'] == {1: 17.0}  # GPU file
    assert ladder['mild']['baseline']['r1_o0'] == {0: 13.0}
    assert ladder['strong']['vididi']['r1_o1'] == {2: 5.0}
    assert not ladder['strong']['baseline']['r1_o0']
    # stabilised clips: their own series, from the CPU records on every rung
    assert ladder['strong']['vididi+stab']['r1_o0'] == {1: 18.0}
    assert ladder['strong']['vididi+stab']['joint'] == {1: 24.0}
    assert not ladder['strong']['vididi']['joint']  # not the plain model's
    assert ladder['handheld']['baseline+stab']['r1_o0'] == {0: 11.0}
    assert not ladder['static']['vididi+stab']['r1_o0']
    # frames R@1 on 1,024 test videos: the final checkpoint of a run of the
    # ladder tested on its rung's queries, the last line of a checkpoint
    assert ladder['mild']['vididi']['r1_o0_1024'] == {1: 15.0}
    assert ladder['mild']['vididi+stab']['r1_o0_1024'] == {2: 17.0}
    assert not ladder['mild']['baseline']['r1_o0_1024']
    assert not ladder['strong']['baseline']['r1_o0_1024']
    # on a rung of RERUNS_1024 the plain runs trained again, and only those;
    # the stabilised runs by their own names
    assert ladder['static']['vididi']['r1_o0_1024'] == {0: 30.0}
    assert ladder['static']['vididi+stab']['r1_o0_1024'] == {0: 27.0}
    assert not ladder['static']['baseline']['r1_o0_1024']
    # a later rerun suffix replaces an earlier one's value of the same seed,
    # whichever line comes first
    assert ladder['handheld']['vididi']['r1_o0_1024'] == {0: 13.8, 1: 14.8}
    assert ladder['strong']['vididi']['r1_o0_1024'] == {1: 12.0}


def test_the_figure_from_the_command_line(tmp_path):
    write_records(tmp_path)
    out = tmp_path / 'ladder.png'
    result = subprocess.run(
        [sys.executable, 'tools/benchmark/ladder_figure.py', str(out),
         '--records', str(tmp_path)], cwd=ROOT, capture_output=True,
        text=True, check=True)
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert "static vididi {'r1_o0': {0: 30.0}" in result.stdout
