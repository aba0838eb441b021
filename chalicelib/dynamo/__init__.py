"""What every DynamoDB adapter shares: reading its errors, and paging through its reads."""
