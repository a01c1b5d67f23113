"""The shipped ASGI entry point, as daphne loads it."""

import gc

from collab.asgi import collab_application


def test_the_entry_point_takes_start_up_objects_out_of_the_collectors_sight():
    gc.unfreeze()
    try:
        collab_application()
        frozen = gc.get_freeze_count()
        assert frozen > len(gc.get_objects()), "start-up objects are still walked by every full collection"
    finally:
        gc.unfreeze()
