"""What the index cache saves: opening a video with the PyAV backend, its
packets demuxed (cold: the cache cleared before each open) or its index taken
from this process's cache (warm: mmvididi.video.stream_index.cached_scan).

    python tools/benchmark/index_cache.py VIDEO [VIDEO ...] [--repeats 10]

Prints a Markdown table: per video its frames, the median open time cold and
warm (ms), and cold per frame (ms); the time of reading one clip is not in it.
"""
import argparse
import statistics
import time
from pathlib import Path

from mmvididi.video import open_video, stream_index


def median_open_ms(path: str, repeats: int, cold: bool) -> float:
    times = []
    for _ in range(repeats):
        if cold:
            stream_index.clear_index_cache()
        start = time.perf_counter()
        open_video(path, 'pyav').close()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('videos', nargs='+', type=Path)
    parser.add_argument('--repeats', type=int, default=10)
    args = parser.parse_args()
    print('| video | frames | open, cold (ms) | open, warm (ms) '
          '| cold per frame (ms) |')
    print('| --- | --- | --- | --- | --- |')
    for path in args.videos:
        frames = open_video(str(path), 'pyav').num_frames  # warms the cache
        warm = median_open_ms(str(path), args.repeats, cold=False)
        cold = median_open_ms(str(path), args.repeats, cold=True)
        print(f'| {path.name} | {frames} | {cold:.1f} | {warm:.1f} '
              f'| {cold / frames:.3f} |', flush=True)


if __name__ == '__main__':
    main()
