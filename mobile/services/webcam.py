"""Desktop camera for scanning signs: flet-camera has no desktop support, so OpenCV grabs a frame."""

import asyncio
import logging

log = logging.getLogger(__name__)


def _grab(index: int) -> bytes | None:
    import cv2  # lazy: only desktops scan through OpenCV

    capture = cv2.VideoCapture(index)
    try:
        if not capture.isOpened():
            return None
        for _ in range(5):  # the first frames of many webcams are dark while exposure settles
            ok, frame = capture.read()
        if not ok:
            return None
        ok, encoded = cv2.imencode(".png", frame)
        return encoded.tobytes() if ok else None
    finally:
        capture.release()


async def grab_webcam_frame(index: int = 0) -> bytes | None:
    """One PNG frame from the webcam, or None when there is no camera (in a thread: OpenCV blocks)."""
    try:
        return await asyncio.to_thread(_grab, index)
    except Exception as exc:  # no OpenCV, no camera, no permission
        log.info("webcam unavailable: %r", exc)
        return None
