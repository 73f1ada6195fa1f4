from . import test_review_engine
