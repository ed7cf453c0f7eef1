"""Small reusable controls shared by the driver app and the admin view."""
