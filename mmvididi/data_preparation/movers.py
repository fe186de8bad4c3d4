"""Textured objects that deform or articulate, for the synthetic motion videos.

A ``Mover`` is drawn in its own body frame (a signed distance field that
changes with time, and a texture fixed to the body), then turned, scaled and
placed at a sub-pixel position with one bilinear ``cv2.warpAffine``, and
alpha-blended onto the world canvas with a one-pixel anti-aliased edge.

Kinds (``MOVER_KINDS``):

- ``'blob'``: a disk whose outline wobbles (harmonics 2..4 of the angle,
  each with its own amplitude, frequency and phase);
- ``'limb'``: a round body with a two-segment limb whose segments swing;
- ``'shape'``: a square, disk, triangle, ring or cross.

Each also breathes (its scale oscillates) and spins slowly. ``deformation``
scales wobble, swing, breathing and spin together; 0 gives rigid objects. How
an object deforms is drawn at random and never depends on how it travels.
"""
from dataclasses import dataclass, field
from typing import Optional, Tuple

import cv2
import numpy as np

MOVER_KINDS = ('blob', 'limb', 'shape')
SHAPES = ('square', 'disk', 'triangle', 'ring', 'cross')

#: Largest distance from the centre to the outline, in object radii, before
#: breathing: the limb reaches out of its body.
_REACH = {'blob': 1.0, 'limb': 1.5, 'shape': 1.0}


@dataclass
class Mover:
    """One textured, deforming object.

    Attributes:
        kind: one of ``MOVER_KINDS``.
        radius: half the object's side at rest, world pixels.
        texture: ``(n, n, 3)`` float32 texture of the body frame.
        params: the kind's deformation parameters (see ``draw_mover``).
    """

    kind: str
    radius: float
    texture: np.ndarray
    params: dict
    _grid_cache: Optional[Tuple[np.ndarray, ...]] = field(
        default=None, init=False, repr=False, compare=False)
    _rgba: Optional[np.ndarray] = field(default=None, init=False, repr=False,
                                        compare=False)

    @property
    def grid(self) -> int:
        """Side of the body-frame grid (and of the sprites), pixels."""
        return self.texture.shape[0]

    def _polar(self) -> Tuple[np.ndarray, ...]:
        """x, y, radius and angle of the body grid's pixels (cached)."""
        if self._grid_cache is None:
            n = self.grid
            y, x = np.mgrid[0:n, 0:n].astype(np.float32) - (n - 1) / 2
            self._grid_cache = (x, y, np.sqrt(x**2 + y**2), np.arctan2(y, x))
        return self._grid_cache

    def _distance(self, t: float) -> np.ndarray:
        """Signed distance to the outline at frame ``t`` (pixels, positive
        inside), on the body grid."""
        p, r = self.params, self.radius
        x, y, rho, phi = self._polar()
        if self.kind == 'blob':
            outline = np.ones_like(phi)
            for k, (amp, freq, phase) in zip((2, 3, 4), p['wobble']):
                outline += amp * np.sin(k * phi + freq * t + phase)
            return r * outline - rho
        if self.kind == 'limb':
            body = 0.5 * r - rho
            shoulder_angle = p['shoulder']
            swing = p['swing']
            a1 = shoulder_angle + swing[0] * np.sin(swing[2] * t + swing[3])
            a2 = a1 + p['elbow'] + swing[1] * np.sin(swing[2] * t + swing[3]
                                                     + swing[4])
            start = 0.45 * r * np.array([np.cos(shoulder_angle),
                                         np.sin(shoulder_angle)])
            elbow = start + 0.5 * r * np.array([np.cos(a1), np.sin(a1)])
            hand = elbow + 0.45 * r * np.array([np.cos(a2), np.sin(a2)])
            upper = 0.16 * r - _segment_distance(x, y, start, elbow)
            lower = 0.13 * r - _segment_distance(x, y, elbow, hand)
            return np.maximum(body, np.maximum(upper, lower))
        u, v = x / r, y / r
        shape = p['shape']
        if shape == 'square':
            d = 0.9 - np.maximum(np.abs(u), np.abs(v))
        elif shape == 'disk':
            d = 1 - rho / r
        elif shape == 'ring':
            d = np.minimum(1 - rho / r, rho / r - 0.5)
        elif shape == 'cross':
            bar = np.maximum(0.33 - np.abs(u), 0.33 - np.abs(v))
            d = np.minimum(bar, 0.95 - np.maximum(np.abs(u), np.abs(v)))
        else:  # triangle, apex up
            d = np.minimum((v + 0.9 - 2 * np.abs(u)) / np.sqrt(5), 0.9 - v)
        return r * d

    def _body(self, t: float) -> np.ndarray:
        """``(n, n, 4)`` texture and alpha in the body frame at frame ``t``
        (a shared buffer; a shape's outline is computed once)."""
        if self._rgba is None:
            self._rgba = np.dstack([self.texture,
                                    np.zeros(self.texture.shape[:2],
                                             np.float32)])
        elif self.kind == 'shape':
            return self._rgba  # its outline does not change in the body frame
        np.clip(self._distance(t) + 0.5, 0, 1, out=self._rgba[..., 3])
        return self._rgba

    def sprite(self, t: float, centre: np.ndarray
               ) -> Tuple[int, int, np.ndarray]:
        """The object at frame ``t`` with its centre at ``centre`` (world x,
        y): ``(top, left, rgba)``, an ``(n, n, 4)`` float32 patch whose alpha
        is in 0..1, to be blended at integer ``(top, left)``."""
        p = self.params
        n = self.grid
        body = self._body(t)
        scale = 1 + p['breath'][0] * np.sin(p['breath'][1] * t
                                            + p['breath'][2])
        angle = p['spin'][0] + p['spin'][1] * t
        top, left = (int(np.floor(c)) - n // 2 for c in centre[::-1])
        target = np.array([centre[0] - left, centre[1] - top])
        source = np.array([(n - 1) / 2, (n - 1) / 2])
        cos, sin = scale * np.cos(angle), scale * np.sin(angle)
        linear = np.array([[cos, -sin], [sin, cos]])
        matrix = np.hstack([linear, (target - linear @ source)[:, None]])
        rgba = cv2.warpAffine(body, matrix, (n, n), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        return top, left, rgba


def _segment_distance(x: np.ndarray, y: np.ndarray, a: np.ndarray,
                      b: np.ndarray) -> np.ndarray:
    """Distance of the grid points to the segment ``a``-``b``."""
    ab = b - a
    along = ((x - a[0]) * ab[0] + (y - a[1]) * ab[1]) / max(ab @ ab, 1e-9)
    along = np.clip(along, 0, 1)
    return np.sqrt((x - a[0] - along * ab[0])**2
                   + (y - a[1] - along * ab[1])**2)


def draw_mover(rng: np.random.Generator, kinds, side: float,
               deformation: float, texture_fn) -> Mover:
    """A random mover of side ``side`` pixels.

    Args:
        kinds: the kinds to choose from (uniformly).
        deformation: scales wobble, swing, breathing and spin (0: rigid).
        texture_fn: ``texture_fn(height, width)`` draws the body texture.
    """
    kind = kinds[rng.integers(len(kinds))]
    radius = side / 2
    d = deformation
    breath = (d * rng.uniform(0.03, 0.12), rng.uniform(0.1, 0.4),
              rng.uniform(0, 2 * np.pi))
    spin = (rng.uniform(0, 2 * np.pi), d * rng.uniform(-0.04, 0.04))
    params = dict(breath=breath, spin=spin)
    if kind == 'blob':
        params['wobble'] = [(d * rng.uniform(0.03, 0.15) / (k - 1),
                             rng.uniform(0.1, 0.5), rng.uniform(0, 2 * np.pi))
                            for k in (2, 3, 4)]
        reach = 1 + sum(a for a, _, _ in params['wobble'])
    elif kind == 'limb':
        params['shoulder'] = rng.uniform(0, 2 * np.pi)
        params['elbow'] = rng.uniform(-1.0, 1.0)
        params['swing'] = (d * rng.uniform(0.4, 1.0), d * rng.uniform(0.3, 0.9),
                           rng.uniform(0.2, 0.6), rng.uniform(0, 2 * np.pi),
                           rng.uniform(-1.5, 1.5))
        reach = _REACH['limb']
    else:
        params['shape'] = SHAPES[rng.integers(len(SHAPES))]
        reach = _REACH['shape'] * np.sqrt(2)  # a square's corners
    grid = int(np.ceil(2 * reach * radius * (1 + breath[0]))) + 4
    return Mover(kind, radius, texture_fn(grid, grid), params)


def blend(canvas: np.ndarray, top: int, left: int, rgba: np.ndarray) -> None:
    """Alpha-blend an ``(n, n, 4)`` sprite onto ``canvas`` in place, cut to
    the canvas."""
    n_y, n_x = rgba.shape[:2]
    y0, x0 = max(top, 0), max(left, 0)
    y1 = min(top + n_y, canvas.shape[0])
    x1 = min(left + n_x, canvas.shape[1])
    if y1 <= y0 or x1 <= x0:
        return
    patch = rgba[y0 - top:y1 - top, x0 - left:x1 - left]
    alpha = patch[..., 3:]
    region = canvas[y0:y1, x0:x1]
    region += alpha * (patch[..., :3] - region)
