// The smallest ASP.NET Core app: bench/run.sh measures Paydesk's start-up time and idle memory against it.
var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/health/live", () => "Healthy");
app.Run();
