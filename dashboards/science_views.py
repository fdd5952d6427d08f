from communes.access import province_for, province_wide
from core.tabular import filtered_table_page
from targets.models import ScienceTask

from .science_filters import ScienceTaskFilter
from .science_tables import ScienceTaskTable


@province_wide
def science_task_list(request):
    """The province's science-and-technology tasks; filters in the URL; CSV/XLSX of the
    filtered rows."""
    tasks = ScienceTask.objects.of_province(province_for(request))
    filterset = ScienceTaskFilter(request.GET, queryset=tasks)
    table = ScienceTaskTable(filterset.qs)
    return filtered_table_page(
        request, filterset, table, "targets/science_task_list.html", "science-tasks"
    )
