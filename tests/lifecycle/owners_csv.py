"""The owners and book-values files the import tests share: two customers (one already
known by phone, one new by e-mail only), a lease and a loan, and a book-value table."""

from __future__ import annotations

OWNERS = """\
name,phone,email,vin,year,make,model,trim,mileage,mileage_date,purchase_date,purchase_price,bought_here,warranty_end_date,warranty_miles,finance_kind,finance_start,term_months,apr,monthly_payment,amount_financed,payoff,payoff_date,residual
""" + (
    "Dana Ruiz,(555) 123-0001,dana@example.com,7FARW2H87ME012345,2021,Honda,CR-V,EX,"
    '"41,200",2026-11-20,2024-03-05,31500,y,,,lease,2024-03-05,36,,,,,,19000\n'
    "Jane Ortiz,,jane.ortiz@example.com,1HGCV1F34LA123456,2020,Honda,Accord,Sport,38000,"
    '2026-10-01,2022-06-01,"$28,900.00",n,2027-02-01,,loan,2022-06-01,60,4.9,,"24,000",,,\n'
)

OWNERS_AGAIN = """\
vin,year,make,model,trim,mileage,mileage_date,phone,email,name
7FARW2H87ME012345,2021,Honda,CR-V,EX,43500,2026-12-01,+15551230001,,Dana Ruiz
""" + (
    "1HGCV1F34LA123456,2020,Honda,Accord,Sport,39100,2026-12-01,(555) 123-0002,"
    "jane.ortiz@example.com,Jane Ortiz\n"
)

# line 3: a letter O in the payoff; (line 4 blank) line 5: an I in the VIN; line 6: a
# finance start without a finance kind
BAD_OWNERS = """\
name,phone,vin,year,make,model,finance_kind,finance_start,term_months,payoff,payoff_date
Ann Lee,555-123-0011,2T1BURHE0JC012345,2018,Toyota,Corolla,,,,,
Bo Park,555-123-0012,5YJ3E1EA7KF312345,2019,Tesla,Model 3,loan,2023-01-01,60,"12,4O0",2026-11-01

Cy Diaz,555-123-0013,1FTEW1EP5JKI12345,2018,Ford,F-150,,,,,
Di Fox,555-123-0014,3VW2B7AJ5HM212345,2017,VW,Jetta,,2024-13-01,,,
"""

BOOK_VALUES = """\
year,make,model,trim,mileage_low,mileage_high,value
2021,Honda,CR-V,EX,30000,59999,23200
2021,Honda,CR-V,,0,59999,21000
2020,Honda,Accord,,30000,59999,"$19,800"
"""
