"""Requests in words, as a person or an agent puts them, each with the action that does it: the task set that
`test_search_tasks.py` holds search to (top-3 accuracy) and `bench/catalogue_bench.py` times."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Task:
    query: str
    expected: str
    """The action id (`factorialhr_...`) that does it."""


def _tasks(*pairs: tuple[str, str]) -> tuple[Task, ...]:
    return tuple(Task(query, f"factorialhr_{action}") for query, action in pairs)


TASKS: tuple[Task, ...] = _tasks(
    # --- people -----------------------------------------------------------------------------------------
    ("who am I connected as", "get_credentials"),
    ("list all employees in the company", "list_employees"),
    ("look up one employee by their id", "get_employee"),
    ("hire a new person with a contract", "create_employee"),
    ("change an employee's phone number and address", "update_employee"),
    ("terminate an employee's employment", "terminate_employee"),
    ("undo the termination of an employee", "unterminate_employee"),
    ("send an employee an invitation to sign in", "invite_employee"),
    ("list the teams", "list_teams"),
    ("create a new team", "create_team"),
    ("add an employee to a team", "create_team_membership"),
    ("list the offices of the company", "list_locations"),
    ("open a new office location", "create_location"),
    ("list the work areas of a location", "list_work_areas"),
    ("list the company's legal entities", "list_legal_entities"),
    ("which public holidays does the company observe", "list_company_holidays"),
    # --- contracts and pay ------------------------------------------------------------------------------
    ("show contract versions with salary and job title", "list_contract_versions"),
    ("give an employee a raise from next month", "create_contract_version"),
    ("list the employees' compensations such as bonuses", "list_contract_compensations"),
    ("list payroll supplements", "list_payroll_supplements"),
    ("list the payroll runs", "list_payroll_runs"),
    ("list the contract templates", "list_contract_templates"),
    ("list the family situations for payroll", "list_family_situations"),
    # --- time off ---------------------------------------------------------------------------------------
    ("approve vacation request", "approve_time_off_request"),
    ("reject a time off request with a reason", "reject_time_off_request"),
    ("book a day off for an employee", "create_time_off_request"),
    ("cancel a leave request", "cancel_time_off_request"),
    ("how many vacation days does each employee have left", "list_time_off_balances"),
    ("list the kinds of leave such as sick leave", "list_leave_types"),
    ("create a new leave type", "create_leave_type"),
    ("approve all pending leaves at once", "approve_all_leaves"),
    ("list the time off policies", "list_time_off_policies"),
    ("block a period when nobody may take time off", "create_blocked_period"),
    # --- time tracking ----------------------------------------------------------------------------------
    ("clock in an employee", "clock_in"),
    ("clock out at the end of the day", "clock_out"),
    ("list the worked shifts of an employee", "list_shifts"),
    ("start a break during a shift", "break_start_attendance_shift"),
    ("request overtime", "create_overtime_request"),
    ("approve an overtime request", "approve_overtime_request"),
    ("list the hours worked per employee", "list_worked_times"),
    ("ask to correct a timesheet", "create_edit_timesheet_request"),
    ("plan shifts for the rota", "create_shift_management_shift"),
    ("list the work schedules", "list_schedules"),
    # --- recruitment ------------------------------------------------------------------------------------
    ("open vacancies", "list_job_postings"),
    ("publish a new job opening", "create_job_posting"),
    ("duplicate a job posting", "duplicate_job_posting"),
    ("add a candidate to the pipeline", "create_candidate"),
    ("list the job applications", "list_applications"),
    ("move an applicant to the interview phase", "move_application"),
    ("list the hiring stages", "list_hiring_stages"),
    ("leave feedback on a candidate", "create_feedback"),
    ("send a message to a candidate", "create_candidate_message"),
    ("list the reasons applications are rejected for", "list_rejection_reasons"),
    # --- documents and fields ---------------------------------------------------------------------------
    ("list the documents of an employee", "list_documents"),
    ("download a document", "create_document_download_urls"),
    ("move a document to the trash", "move_to_trash_bin_document"),
    ("list the document folders", "list_document_folders"),
    ("list the custom fields", "list_custom_fields"),
    ("define a new custom field", "create_custom_field"),
    # --- money ------------------------------------------------------------------------------------------
    ("list the expenses employees submitted", "list_expenses"),
    ("list mileage claims", "list_mileages"),
    ("list the per diem allowances claimed", "list_per_diems"),
    ("mark expenses as paid", "bulk_set_to_paid_expensables"),
    ("list the cost centers", "list_cost_centers"),
    ("create a journal entry in the accounting", "create_journal_entry"),
    ("list the tax rates", "list_tax_rates"),
    ("list bank transactions", "list_transactions"),
    ("list card payments", "list_card_payments"),
    ("list purchase orders", "list_purchase_orders"),
    # --- projects, tasks, training, performance, posts ---------------------------------------------------
    ("list the projects", "list_projects"),
    ("create a project", "create_project"),
    ("close a project", "close_project"),
    ("log time spent on a project", "create_time_record"),
    ("assign an employee to a project", "create_project_worker"),
    ("list my tasks", "list_tasks"),
    ("create a task", "create_task"),
    ("list the trainings", "list_trainings"),
    ("schedule a training session", "create_training_session"),
    ("enrol employees in a training", "bulk_create_training_memberships"),
    ("start a performance review process", "start_review_process"),
    ("list the performance review evaluations", "list_review_evaluations"),
    ("publish a company announcement post", "create_post"),
    ("comment on a post", "create_comment"),
    ("list the job roles in the job catalog", "list_job_roles"),
    ("list the job levels", "list_job_levels"),
    ("list the laptops and other IT assets", "list_it_assets"),
    ("subscribe to webhook events", "create_webhook_subscription"),
)
