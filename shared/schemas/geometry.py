"""GeoJSON geometry as it travels; validity is checked by shared.geo."""

from typing import Any, Literal

from pydantic import Field

from shared.schemas.common import ContractModel


class GeoJSONGeometry(ContractModel):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any] = Field(
        description="GeoJSON coordinates, WGS84 [lon, lat]",
        examples=[[[[24.930, 60.168], [24.932, 60.168], [24.932, 60.169], [24.930, 60.168]]]],
    )
