"""Lot outlines uploaded as GeoJSON: a bare geometry, a Feature, or a FeatureCollection of one.

GIS tools and geojson.io export an outline in different wrappings; this unwraps them to the one
Polygon or MultiPolygon a facility has, checked by `shared.geo.parse_lot_geometry` like every other
outline (closed rings, lon/lat range, no self-intersection). An upload also gets a size check: an
outline smaller than a parking space or larger than a city district is nearly always a unit or
coordinate system mistake in the export, which a typed-in outline rarely has.
"""

import json
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pyproj import Geod
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from shared.errors import ErrorCode, ParkflowError
from shared.geo import InvalidGeometryError, Outline, parse_lot_geometry

MAX_UPLOAD_BYTES = 2_000_000
MIN_AREA_M2 = 10.0  # less than one parking space
MAX_AREA_KM2 = 50.0  # more than any street parking zone
_GEOD = Geod(ellps="WGS84")
_WGS84_NAMES = ("CRS84", "4326")
_JSON_TYPES = ("application/json", "application/geo+json")
_HOW = (
    "Send the GeoJSON as the request body (Content-Type: application/json) or as a file in the "
    "multipart form field 'file'."
)


@dataclass(frozen=True)
class Upload:
    document: Any
    source: str  # "file" or "body", for the audit log


@dataclass(frozen=True)
class UploadedOutline:
    geojson: dict[str, Any]
    area_m2: float


def _invalid(detail: str) -> InvalidGeometryError:
    return InvalidGeometryError(detail)


def _decode(raw: bytes, what: str, code: ErrorCode) -> Any:
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ParkflowError(
            f"{what} is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB; upload only the lot outline.",
            ErrorCode.validation_error,
        )
    if not raw.strip():
        raise ParkflowError(f"{what} is empty. {_HOW}", ErrorCode.validation_error)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ParkflowError(f"{what} is not UTF-8 text; export the outline as GeoJSON.", code) from None
    except json.JSONDecodeError as exc:
        raise ParkflowError(
            f"{what} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).", code
        ) from None


async def read_upload(request: Request) -> Upload:
    """The JSON document of the request: its body, or the multipart form's `file`."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        try:
            form = await request.form(max_files=1, max_fields=10)
        except HTTPException as exc:
            raise ParkflowError(f"The upload is not a valid multipart form ({exc.detail}).") from None
        part = form.get("file")
        if part is None:
            raise ParkflowError(f"The form has no field 'file'. {_HOW}", ErrorCode.validation_error)
        raw = await part.read(MAX_UPLOAD_BYTES + 1) if isinstance(part, UploadFile) else part.encode()
        # A file's content is the operator's document, not the request: a broken one is a 422.
        return Upload(_decode(raw, "The uploaded file", ErrorCode.invalid_geometry), "file")
    if content_type in _JSON_TYPES:
        return Upload(_decode(await request.body(), "The request body", ErrorCode.malformed_json), "body")
    shown = content_type or "no Content-Type"
    raise ParkflowError(f"Cannot read a GeoJSON outline from {shown}. {_HOW}", ErrorCode.validation_error)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "text" if isinstance(value, str) else "a single value"


def _check_crs(document: dict[str, Any]) -> None:
    """Old GeoJSON files name their coordinate system; ours is WGS84 longitude/latitude."""
    crs = document.get("crs")
    if not isinstance(crs, dict):
        return
    properties = crs.get("properties")
    name = properties.get("name") if isinstance(properties, dict) else None
    if isinstance(name, str) and not any(wgs84 in name.upper() for wgs84 in _WGS84_NAMES):
        raise _invalid(
            f"The file's coordinates are in {name}; export the outline in WGS84 longitude/latitude "
            "(EPSG:4326)."
        )


def _geometry_of(document: Any) -> Any:
    if not isinstance(document, dict):
        raise _invalid(
            f"The upload is {_kind(document)}; send a GeoJSON Polygon, MultiPolygon, Feature or "
            "FeatureCollection."
        )
    _check_crs(document)
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise _invalid('The FeatureCollection has no "features" list; upload one lot outline.')
        if len(features) != 1:
            count = "no features" if not features else f"{len(features)} features"
            raise _invalid(f"The FeatureCollection has {count}; upload one lot outline.")
        return _geometry_of(features[0])
    if kind == "Feature":
        geometry = document.get("geometry")
        if geometry is None:
            raise _invalid("The Feature has no geometry; draw the lot outline as a Polygon.")
        return geometry
    return document


def _area_m2(outline: Outline) -> float:
    area, _ = _GEOD.geometry_area_perimeter(outline)
    return abs(area)


def outline_from_upload(document: Any) -> UploadedOutline:
    """The lot outline in an uploaded GeoJSON document, checked; InvalidGeometryError (422) says why not."""
    geometry = _geometry_of(document)
    outline = parse_lot_geometry(geometry)
    area = _area_m2(outline)
    if area < MIN_AREA_M2:
        raise _invalid(
            f"The outline covers only {area:.1f} m², less than one parking space; check that the "
            "coordinates are longitude/latitude in degrees (EPSG:4326)."
        )
    if area > MAX_AREA_KM2 * 1_000_000:
        raise _invalid(
            f"The outline covers {area / 1_000_000:,.0f} km², more than a parking area can (at most "
            f"{MAX_AREA_KM2:.0f} km²); check that the coordinates are longitude/latitude in degrees "
            "and the file holds one lot."
        )
    return UploadedOutline({"type": geometry["type"], "coordinates": geometry["coordinates"]}, area)
