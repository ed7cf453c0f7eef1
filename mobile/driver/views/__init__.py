"""The driver app's screens, each a small `@ft.component` returning an `ft.View`."""
