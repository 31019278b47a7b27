using PartnerWeb;

var builder = WebApplication.CreateBuilder(args);
builder.AddPartnerWeb();

var app = builder.Build();
app.UsePartnerWeb();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
