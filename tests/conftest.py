"""Scheduling of the project's own suite under pytest-xdist; no test, fixture or assertion lives here.

Longest first: the tests that take tens of seconds each (wheel builds, subprocess pytest runs, rounds of
child runs, timeouts) are moved to the front of the collection, in the order below, so that `-n auto`
hands them out first and the many short fault runs fill the workers at the end (longest-processing-time
scheduling). Without it the wheel test, collected near the end, ran alone for minutes after the rest.
Every other test keeps its collection order; nothing is deselected.

Workers: `-n auto` starts twice as many workers as cores (WORKERS_PER_CORE). Much of the suite waits, not
computes: subprocesses starting, pip installing, timeouts and event deadlines running out, a 1 GiB body
streaming through a socket. The other workers compute while some wait.

Temporary files: every run writes a few hundred small files (allure results and containers, the reports),
and creating a file under /tmp costs this machine ten times what it costs on a tmpfs (CPU time, in the
kernel). When TMPDIR is not set, the suite and every process it starts use a folder of /dev/shm instead:
pytest's tmp_path (which keeps its usual rotation of the last three sessions) and tempfile alike.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# module::function (every parametrisation of it), longest first; measured with --durations on 2 cores.
SLOW_FIRST = (
    "test_release.py::test_wheel_installs_and_runs_outside_the_checkout",
    "test_pytest_native.py::test_xdist_gives_the_serial_verdict_reports_and_exit_code",
    "test_pytest_native.py::test_last_failed_and_failed_first_work",  # shares broken_host with the one above
    "test_rounds.py::test_round_matrix_history_regressions_and_shards",
    "test_hostile.py::test_one_gib_body_keeps_memory_bounded",
    "test_pytest_native.py::test_the_plugin_refuses_an_unusable_openapi_file_as_run_does",
    "test_ci_templates.py::test_the_in_job_template_goes_red_on_a_faulty_host",
    "test_ci_templates.py::test_the_in_job_template_goes_green_on_a_conformant_host",
    "test_hostile_bounds.py::test_authenticated_events_are_bounded_in_size_and_count",
    "test_release.py::test_dockerfile_lints_clean",
    "test_hostile.py::test_misbehaving_target_gives_failed_cases_not_crashes",
    "test_pytest_native.py::test_pyargs_cases_runs_the_installed_package_outside_a_checkout",
    "test_hostile_secrets.py::test_a_double_gzip_bomb_is_bounded_while_it_streams",
    "test_pytest_native.py::test_a_pact_option_in_the_checkout_collects_only_the_cases",
    "test_end_to_end.py::test_plain_pytest_reaches_the_same_verdict",
    "test_hostile.py::test_silent_server_times_out_everywhere",
    "test_hostile_secrets.py::test_unusable_target_data_fails_the_case_not_the_harness",
    "test_hostile_secrets.py::test_plain_pytest_with_alluredir_keeps_no_secret_spelling",
    "test_hostile.py::test_credentials_never_reach_another_origin",
    "test_pytest_native.py::test_an_incomplete_run_under_xdist_exits_1",
    "test_selection.py::test_the_plugin_selects_the_same_way",
    "test_pytest_native.py::test_plain_pytest_writes_the_reports_run_writes",
    "test_hostile.py::test_tls_problems_fail_clearly_without_downgrade",
    "test_hostile_usage.py::test_the_plugin_exits_3_for_an_unreachable_target",
    "test_hostile_bounds.py::test_a_flood_of_events_and_tokens_is_bounded",
    "test_certify.py::test_a_certified_round_repeats_its_verdicts_and_findings",
    "test_pytest_native.py::test_a_run_stopped_by_maxfail_is_incomplete_not_conformant",
    "test_peers.py::test_peer_is_conformant",
    "test_rounds.py::test_gxd_chain_linked_across_solutions",
    "test_waits_and_hints.py::test_round_in_japanese_with_heartbeats_while_it_waits",
    "test_hostile_bounds.py::test_a_stop_signal_writes_the_partial_report",
    "test_hostile.py::test_hostile_strings_never_become_markup",
    "test_hostile_bounds.py::test_a_closed_stdout_does_not_end_the_run",
    "test_service_instances.py::test_a_killed_instance_s_queued_runs_are_taken_by_the_other",
    "test_submit.py::test_a_host_reachable_only_through_the_service_is_conformant",
)
_RANK = {name: rank for rank, name in enumerate(SLOW_FIRST)}

WORKERS_PER_CORE = 2  # `-n auto` on 2 cores: 4 workers (a subset of event faults: 78 s with 2, 52 s with 4)


FAST_TEMP_ROOT = Path("/dev/shm")


def _use_fast_temp() -> None:
    """TMPDIR on a tmpfs for this process and its children (xdist workers inherit it), unless one is set."""
    if os.environ.get("TMPDIR") or not (FAST_TEMP_ROOT.is_dir() and os.access(FAST_TEMP_ROOT, os.W_OK | os.X_OK)):
        return
    folder = FAST_TEMP_ROOT / f"pact-gxd-conformance-tests-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        if folder.is_symlink() or folder.stat().st_uid != os.getuid():
            return  # not ours: stay on the default temp dir
    except OSError:
        return
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again


_use_fast_temp()


def _function_of(item: pytest.Item) -> str:
    return f"{item.path.name}::{getattr(item, 'originalname', item.name)}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A stable sort: the listed tests first (in the list's order), every other test where it was.
    items.sort(key=lambda item: _RANK.get(_function_of(item), len(SLOW_FIRST)))


@pytest.hookimpl(optionalhook=True)  # -p no:xdist knows no such hook
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads the variable
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, round(cores * WORKERS_PER_CORE)) if cores > 1 else 1
