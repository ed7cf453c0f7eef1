"""Sign QR codes: operators print them (`/admin/facilities/{slug}/sign.png|svg`), drivers scan them
(`POST /api/v1/qr/resolve`); the payload is signed so a scammer's sticker is told apart."""
