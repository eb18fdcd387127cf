using Kefu.Demo;
using Kefu.Platform;
using Kefu.Tickets;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatform();
builder.AddTickets();

var app = builder.Build();
app.MapPlatform();
app.MapTickets();
app.MapGet("/", () => Results.Redirect("/api/docs")).ExcludeFromDescription();

await Startup.InitializeAsync(app);
app.Run();

public partial class Program;
