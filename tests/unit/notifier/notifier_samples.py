"""Event data the notifier tests share."""
def reflection(reflection_id=7, prompt="How was it?", kind="rejection_interview", **extra) -> dict:
    return {"reflection_id": reflection_id, "application_id": 1, "kind": kind, "prompt": prompt, **extra}
