"""The operator's operations view: dashboard figures, activity feed, passes report, plate checks."""
