"""The seed's steps, as a person walks them in a browser (issue 5): register an OAuth application in Factorial,
copy its credentials into a new connector profile, make a connect link, open it, sign in at Factorial and
Authorize; then the account is Active and the Actions playground lists the company's employees."""

from __future__ import annotations

import secrets

from playwright.sync_api import expect

from tests.browser.artifacts import Shots
from tests.browser.conftest import Browsing
from tests.browser.steps import (
    GET_EMPLOYEE,
    LIST_EMPLOYEES,
    LIST_TIME_OFF,
    ProfileForm,
    connect,
    consent,
    create_connect_link,
    create_profile,
    follow_next_page,
    names_in,
    open_connect_link,
    redirect_uri_to_copy,
    register_application,
    run_in_playground,
    see_account_active,
    see_connected,
    sign_in,
)
from tests.harness.sandbox import Sandbox

APPLICATION_SCOPES = ("employees", "time_off", "contracts", "recruitment")


def walk_the_seed(
    browsing: Browsing,
    sandbox: Sandbox,
    shots: Shots,
    *,
    token_type: str,
    actions: tuple[str, ...],
    consenting_email: str,
) -> None:
    suffix = secrets.token_hex(3)
    owner_name = f"Customer {token_type} {suffix}"
    dashboard = browsing.new_page()
    sign_in(dashboard, sandbox, shots)
    overview = dashboard.url
    redirect_uri = redirect_uri_to_copy(dashboard)

    factorial = dashboard.context.new_page()  # a second tab, as a person keeps both open
    client_id, client_secret = register_application(
        factorial,
        sandbox,
        shots,
        name=f"Payroll sync {suffix}",
        redirect_uri=redirect_uri,
        scopes=APPLICATION_SCOPES,
    )

    dashboard.bring_to_front()
    label = f"Factorial {token_type.lower()} {suffix}"
    create_profile(
        dashboard,
        shots,
        ProfileForm(
            label=label,
            client_id=client_id,
            client_secret=client_secret,
            scopes=("employees", "time_off"),
            token_type=token_type,
            actions=actions,
        ),
    )
    create_connect_link(dashboard, shots, owner_id=f"customer-{suffix}", owner_name=owner_name, profile=label)
    end_user = open_connect_link(dashboard)
    connect(end_user, shots)
    consent(end_user, shots, email=consenting_email, company_token=token_type == "Company")
    see_connected(end_user, shots)

    dashboard.bring_to_front()
    if end_user is dashboard:  # the link opened in this tab: back to the dashboard
        dashboard.goto(overview)
    see_account_active(dashboard, shots, owner_name)
    result = run_in_playground(dashboard, shots, owner_name=owner_name, action=LIST_EMPLOYEES)
    listed = names_in(result)
    assert listed, f"no employee names in the playground's result: {result!r}"[:2000]
    assert listed <= sandbox.employee_names()
    for name in sorted(listed)[:3]:
        expect(dashboard.locator("pre.json").first).to_contain_text(name)
    following = names_in(follow_next_page(dashboard, shots, result))
    assert following and following <= sandbox.employee_names()
    assert not following & listed  # the next page, not the first again


def test_a_person_links_an_employee_with_a_user_token_and_lists_employees(
    browsing: Browsing, sandbox: Sandbox, shots: Shots
) -> None:
    employee = next(user for user in sandbox.emulator_company()["users"] if user["role"] == "basic")
    walk_the_seed(
        browsing,
        sandbox,
        shots,
        token_type="User",
        actions=(LIST_EMPLOYEES, GET_EMPLOYEE),
        consenting_email=employee["email"],
    )


def test_a_person_links_the_company_with_a_company_token_granted_by_an_admin(
    browsing: Browsing, sandbox: Sandbox, shots: Shots
) -> None:
    walk_the_seed(
        browsing,
        sandbox,
        shots,
        token_type="Company",
        actions=(LIST_EMPLOYEES, LIST_TIME_OFF),
        consenting_email=sandbox.admin_email,
    )
