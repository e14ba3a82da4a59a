"""The departments people work in: job titles, manager and head titles, hiring category, relative pay."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Department:
    name: str
    titles: tuple[str, ...]  # individual contributor titles
    manager_title: str
    head_title: str
    category: str  # ats job posting category
    pay: float


DEPARTMENTS = (
    Department(
        "Engineering",
        ("Software Engineer", "Backend Engineer", "Frontend Engineer", "QA Engineer", "DevOps Engineer"),
        "Engineering Manager",
        "VP of Engineering",
        "it",
        1.2,
    ),
    Department(
        "Sales",
        ("Account Executive", "Sales Development Representative", "Account Manager"),
        "Sales Manager",
        "Head of Sales",
        "sales",
        1.0,
    ),
    Department(
        "Customer Success",
        ("Customer Success Manager", "Support Specialist", "Onboarding Specialist"),
        "Support Team Lead",
        "Head of Customer Success",
        "service_industry_and_manufacturing",
        0.85,
    ),
    Department(
        "Product",
        ("Product Manager", "Product Designer", "UX Researcher"),
        "Group Product Manager",
        "Head of Product",
        "design_and_architecture",
        1.15,
    ),
    Department(
        "Marketing",
        ("Marketing Specialist", "Content Marketer", "Growth Marketer"),
        "Marketing Manager",
        "Head of Marketing",
        "marketing_and_communication",
        0.95,
    ),
    Department(
        "Operations",
        ("Operations Analyst", "Office Manager", "Logistics Coordinator"),
        "Operations Manager",
        "Chief Operating Officer",
        "purchasing_materials_administration_and_logistics",
        0.9,
    ),
    Department(
        "Finance",
        ("Accountant", "Financial Analyst", "Payroll Specialist"),
        "Finance Manager",
        "Chief Financial Officer",
        "finance",
        1.05,
    ),
    Department(
        "People",
        ("HR Generalist", "Talent Acquisition Specialist", "People Partner"),
        "People Manager",
        "Head of People",
        "hr",
        0.95,
    ),
    Department(
        "Data",
        ("Data Analyst", "Data Engineer", "Data Scientist"),
        "Data Manager",
        "Head of Data",
        "sciences_and_research",
        1.15,
    ),
    Department(
        "Legal", ("Legal Counsel", "Compliance Analyst"), "Legal Manager", "General Counsel", "legal", 1.1
    ),
)
LEADERSHIP = "Leadership"
