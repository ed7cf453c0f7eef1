"""GeoJSON geometry as it travels; validity is checked by shared.geo (errors name the problem)."""

from typing import Any, Literal, Self

from pydantic import Field, model_validator

from shared.geo import InvalidGeometryError, parse_lot_geometry
from shared.schemas.common import ContractModel


class GeoJSONGeometry(ContractModel):
    """A lot outline: GeoJSON Polygon or MultiPolygon in WGS84 `[lon, lat]`, valid (closed rings,
    no self-intersections, at least three distinct corners)."""

    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any] = Field(
        description="GeoJSON coordinates, WGS84 [lon, lat]",
        examples=[[[[24.930, 60.168], [24.932, 60.168], [24.932, 60.169], [24.930, 60.168]]]],
    )

    @model_validator(mode="after")
    def _valid_outline(self) -> Self:
        try:
            parse_lot_geometry({"type": self.type, "coordinates": self.coordinates})
        except InvalidGeometryError as exc:
            raise ValueError(exc.detail) from None
        return self
