FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR C:/src
COPY *.csproj ./
RUN dotnet restore
COPY . .
RUN dotnet publish -c Release -o C:/out
FROM mcr.microsoft.com/dotnet/aspnet:8.0
WORKDIR C:/app
COPY --from=build C:/out .
USER app
ENTRYPOINT ["dotnet", "App.dll"]
