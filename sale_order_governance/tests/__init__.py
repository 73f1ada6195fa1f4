from . import test_concurrency
from . import test_confirm_doors
from . import test_portal
from . import test_review_engine
from . import test_reviewer_experience
from . import test_sla
from . import test_ui
