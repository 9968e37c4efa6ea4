"""The merchant audience: cashiers scan vouchers; merchants read redemptions and settlements."""
