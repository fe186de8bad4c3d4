"""Textures for the synthetic motion videos: photographs, 1/f noise, patterns.

Three sources (``TEXTURE_SOURCES``), chosen by name and never swapped
silently:

- ``'photos'``: crops of public-domain / CC0 photographs that the scikit-image
  wheel ships (``PHOTOS``; no download), each crop at a random position,
  scale, quarter-turn and mirror (flat crops drawn again), with random colour
  gains, contrast and brightness (a tint for the grey ones), so that a few
  photographs give many distinct textures. Needs ``scikit-image``; without
  it a clear ``ImportError``.
- ``'synthetic'``: Gaussian noise with a natural image's ``1/f`` amplitude
  spectrum (exponent drawn in 0.8..1.4), a luminance field and two weaker
  colour fields; no dependency.
- ``'procedural'``: the first benchmark's patterns (noise, stripes, checker,
  gradient, blobs).

Every function draws from the generator it is given and returns ``(H, W, 3)``
float32 in about 0..255 (not clipped).
"""
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Tuple

import cv2
import numpy as np

TEXTURE_SOURCES = ('photos', 'synthetic', 'procedural')

#: The scikit-image sample photographs used, with their source and licence
#: (from each loader's docstring in ``skimage.data``). All load from the wheel
#: itself, without pooch.
PHOTOS: Dict[str, str] = {
    'astronaut': 'Eileen Collins, NASA Great Images database; public domain',
    'brick': 'CC0Textures "Bricks25"; CC0',
    'camera': 'photograph by Lav Varshney; CC0',
    'chelsea': 'Chelsea the cat, by Stefan van der Walt; CC0',
    'coffee': 'by Rachel Michetti, Pikolo Espresso Bar; CC0',
    'coins': 'Greek coins, Brooklyn Museum collection; no known copyright '
             'restrictions',
    'grass': 'DeviantArt "Grass 01" by linolafett; CC0',
    'gravel': 'CC0Textures "Gravel04"; CC0',
    'rocket': 'DSCOVR launch on Falcon 9, SpaceX; public domain',
}

#: A photo crop is drawn again (up to ``_TRIES`` times) where more than
#: ``_MAX_FLAT`` of its 8 x 8 blocks are flat (grey-level std under
#: ``_FLAT_STD``): a sky or a dark backdrop makes no texture, and a camera
#: moving over it shows nothing.
_TRIES, _MAX_FLAT, _FLAT_STD = 5, 0.5, 4.0

PROCEDURAL_KINDS = ('noise', 'stripes', 'checker', 'gradient', 'blobs')


@lru_cache(maxsize=1)
def load_photos() -> Tuple[np.ndarray, ...]:
    """The ``PHOTOS`` as ``(H, W, 3)`` float32 RGB, in ``PHOTOS`` order.

    Raises:
        ImportError: scikit-image is not installed.
        RuntimeError: a photo did not load from the installed wheel.
    """
    try:
        import skimage.data
    except ImportError as error:
        raise ImportError(
            "texture_source='photos' needs scikit-image for its sample "
            "photographs: pip install scikit-image (or pip install -e "
            "'.[tests]'), or choose texture_source='synthetic' (1/f noise) "
            'explicitly.') from error
    photos = []
    for name in PHOTOS:
        try:
            image = np.asarray(getattr(skimage.data, name)())
        except Exception as error:  # a loader that wants a download, ...
            raise RuntimeError(
                f'skimage.data.{name}() did not load from the installed '
                f'scikit-image ({type(error).__name__}: {error}); reinstall '
                "scikit-image, or choose texture_source='synthetic'.") \
                from error
        if image.ndim == 2:
            image = np.repeat(image[..., None], 3, axis=-1)
        photos.append(np.ascontiguousarray(image[..., :3], np.float32))
    return tuple(photos)


def photo_texture(rng: np.random.Generator, height: int, width: int,
                  zoom: Tuple[float, float] = (0.4, 1.6)) -> np.ndarray:
    """A random crop of a random photo, resampled to ``(height, width)``.

    Args:
        zoom: output pixels per photo pixel, log-uniform in this range (as
            far as the photo is large enough).
    """
    photos = load_photos()
    for _ in range(_TRIES):
        photo = photos[rng.integers(len(photos))]
        photo = np.rot90(photo, rng.integers(4))
        if rng.random() < 0.5:
            photo = photo[:, ::-1]
        largest = min(photo.shape[0] / height, photo.shape[1] / width)
        low, high = np.log(1 / zoom[1]), np.log(1 / zoom[0])
        crop = np.exp(rng.uniform(low, high))  # photo pixels per output pixel
        crop = min(crop, largest)
        crop_h, crop_w = max(1, int(height * crop)), max(1, int(width * crop))
        top = rng.integers(photo.shape[0] - crop_h + 1)
        left = rng.integers(photo.shape[1] - crop_w + 1)
        patch = np.ascontiguousarray(photo[top:top + crop_h,
                                           left:left + crop_w])
        interpolation = cv2.INTER_AREA if crop > 1 else cv2.INTER_LINEAR
        patch = cv2.resize(patch, (width, height), interpolation=interpolation)
        if flat_fraction(patch) <= _MAX_FLAT:
            break
    return _colour_shift(rng, patch)


def flat_fraction(image: np.ndarray, block: int = 8) -> float:
    """Fraction of the ``block`` x ``block`` tiles of ``image`` whose grey
    levels vary by less than ``_FLAT_STD`` (0 for an image under a tile)."""
    grey = image.mean(axis=-1)
    rows, cols = grey.shape[0] // block, grey.shape[1] // block
    if not rows or not cols:
        return 0.0
    tiles = grey[:rows * block, :cols * block].reshape(rows, block, cols, block)
    return float((tiles.std(axis=(1, 3)) < _FLAT_STD).mean())


def _colour_shift(rng: np.random.Generator, image: np.ndarray) -> np.ndarray:
    """Random channel gains (a tint), saturation, contrast and brightness (the
    mean kept in 60..195)."""
    grey = image.mean(axis=-1, keepdims=True)
    if np.allclose(image, grey):  # a grey photo: tint it more
        gains = np.exp(rng.normal(0, 0.3, 3))
    else:
        gains = np.exp(rng.normal(0, 0.15, 3))
    saturation = rng.uniform(0.5, 1.3)
    image = grey + saturation * (image - grey)
    mean = image.mean()
    contrast = np.exp(rng.normal(0, 0.25))
    # a new mean brightness, kept off the ends so that clipping to 0..255
    # does not flatten the texture
    brightness = np.clip(mean + rng.normal(0, 25), 60, 195)
    out = (image - mean) * contrast + brightness
    return (out * gains / gains.mean()).astype(np.float32)


def pink_noise_texture(rng: np.random.Generator, height: int,
                       width: int) -> np.ndarray:
    """Colour noise with a ``1/f**a`` amplitude spectrum (``a`` in 0.8..1.4),
    the second-order statistics of natural images."""
    exponent = rng.uniform(0.8, 1.4)
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    radius = np.sqrt(fx**2 + fy**2)
    radius[0, 0] = 1.0
    amplitude = radius**-exponent
    amplitude[0, 0] = 0.0
    fields = []
    for _ in range(3):
        spectrum = amplitude * (rng.standard_normal(radius.shape)
                                + 1j * rng.standard_normal(radius.shape))
        field = np.fft.irfft2(spectrum, s=(height, width))
        fields.append(field / (field.std() + 1e-12))
    luminance, chroma_a, chroma_b = fields
    contrast = rng.uniform(25, 60)
    base = rng.uniform(60, 200, 3)
    opponent = np.array([[1, 1, 1], [1, -1, 0], [0.5, 0.5, -1]], np.float64)
    weights = np.array([1.0, *rng.uniform(0.1, 0.4, 2)])
    stack = np.stack([luminance, chroma_a, chroma_b], axis=-1) * weights
    out = base + contrast * stack @ opponent
    return out.astype(np.float32)


def procedural_texture(rng: np.random.Generator, height: int,
                       width: int) -> np.ndarray:
    """The first benchmark's patterns: a random ``(H, W, 3)`` float texture
    in 0..255 (draws exactly as that generator did)."""
    kind = PROCEDURAL_KINDS[rng.integers(len(PROCEDURAL_KINDS))]
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base, other = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    if kind == 'noise':
        amount = rng.uniform(10, 60)
        return base + rng.normal(0, amount, (height, width, 3))
    if kind == 'stripes':
        angle, period = rng.uniform(0, np.pi), rng.uniform(4, 16)
        phase = (x * np.cos(angle) + y * np.sin(angle)) / period
        mix = (np.sin(2 * np.pi * phase) > 0).astype(np.float32)
    elif kind == 'checker':
        cell = rng.integers(4, 12)
        mix = ((x // cell + y // cell) % 2).astype(np.float32)
    elif kind == 'gradient':
        angle = rng.uniform(0, 2 * np.pi)
        ramp = x * np.cos(angle) + y * np.sin(angle)
        mix = (ramp - ramp.min()) / (np.ptp(ramp) + 1e-6)
    else:  # blobs
        mix = np.zeros((height, width), np.float32)
        for _ in range(rng.integers(3, 8)):
            cy, cx = rng.uniform(0, height), rng.uniform(0, width)
            radius = rng.uniform(3, 12)
            mix = np.maximum(mix, ((y - cy)**2 + (x - cx)**2 < radius**2))
    return base + mix[..., None] * (other - base)


@dataclass
class WorldTexture:
    """A background fixed to the world: ``image`` holds the view at rest at
    ``image[top:top + H, left:left + W]``; beyond the image it is mirrored.

    The same draws give the same world whatever part of it a camera shows,
    so two camera presets film the same scene.
    """

    image: np.ndarray
    top: int
    left: int

    def canvas(self, origin: np.ndarray, extent: np.ndarray) -> np.ndarray:
        """The world's ``(height, width, 3)`` pixels from world pixel
        ``origin`` (x, y, integers) over ``extent`` (width, height)."""
        shift = np.float32([[1, 0, origin[0] + self.left],
                            [0, 1, origin[1] + self.top]])
        return cv2.warpAffine(self.image, shift,
                              (int(extent[0]), int(extent[1])),
                              flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_REFLECT101)


def world_texture(rng: np.random.Generator, source: str,
                  size: Tuple[int, int],
                  zoom: Tuple[float, float] = (0.4, 1.6)) -> WorldTexture:
    """A background for a view of ``size`` (height, width), with one view
    side to spare around the view at rest.

    Photos: a random photo, quarter-turned and mirrored, rescaled by a
    log-uniform ``zoom`` (output pixels per photo pixel, as far as the view
    still fits), at a random place whose view at rest is not mostly flat
    (up to ``_TRIES`` draws), colour-shifted.
    """
    height, width = size
    margin = max(height, width)
    if source != 'photos':
        image = texture(rng, source, height + 2 * margin, width + 2 * margin)
        return WorldTexture(image, margin, margin)
    photos = load_photos()
    for _ in range(_TRIES):
        photo = photos[rng.integers(len(photos))]
        photo = np.rot90(photo, rng.integers(4))
        if rng.random() < 0.5:
            photo = photo[:, ::-1]
        smallest = max(height / photo.shape[0], width / photo.shape[1])
        scale = max(np.exp(rng.uniform(np.log(zoom[0]), np.log(zoom[1]))),
                    smallest)
        top = rng.uniform(0, photo.shape[0] - height / scale)
        left = rng.uniform(0, photo.shape[1] - width / scale)
        # the view at rest and a margin, in photo pixels, cut to the photo
        y0, x0 = (max(0, int(c - margin / scale)) for c in (top, left))
        y1 = min(photo.shape[0], int(np.ceil(top + (height + margin) / scale)))
        x1 = min(photo.shape[1], int(np.ceil(left + (width + margin) / scale)))
        out_h = max(height, int(round((y1 - y0) * scale)))
        out_w = max(width, int(round((x1 - x0) * scale)))
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        image = cv2.resize(np.ascontiguousarray(photo[y0:y1, x0:x1]),
                           (out_w, out_h), interpolation=interpolation)
        rest_top = min(max(0, int(round((top - y0) * scale))), out_h - height)
        rest_left = min(max(0, int(round((left - x0) * scale))), out_w - width)
        view = image[rest_top:rest_top + height, rest_left:rest_left + width]
        if flat_fraction(view) <= _MAX_FLAT:
            break
    return WorldTexture(_colour_shift(rng, image), rest_top, rest_left)


def texture(rng: np.random.Generator, source: str, height: int,
            width: int) -> np.ndarray:
    """A ``(height, width, 3)`` float32 texture from ``source``."""
    if source == 'photos':
        return photo_texture(rng, height, width)
    if source == 'synthetic':
        return pink_noise_texture(rng, height, width)
    if source == 'procedural':
        return procedural_texture(rng, height, width).astype(np.float32)
    raise ValueError(f'texture_source={source!r}: choose from '
                     f'{TEXTURE_SOURCES}.')
