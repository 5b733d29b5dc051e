"""The generated people of seed_scale: names, counties weighted by population, languages."""

# Rough relative population; every other county weighs 1.
COUNTY_WEIGHTS = {
    "los-angeles": 60,
    "san-diego": 20,
    "orange": 19,
    "riverside": 15,
    "san-bernardino": 13,
    "santa-clara": 11,
    "alameda": 10,
    "sacramento": 10,
    "contra-costa": 7,
    "fresno": 6,
    "kern": 5,
    "san-francisco": 5,
    "ventura": 5,
    "san-mateo": 4,
    "san-joaquin": 4,
}
_FIRST_NAMES_TEXT = (
    "Maria Jose Juan Luis Ana Carlos Rosa Jesus Guadalupe Miguel David James Michael "
    "Robert Mary Jennifer Linda Patricia Elizabeth Sarah Jessica Ashley Daniel Christopher "
    "Anthony Kevin Brian Jason Angela Michelle Nicole Stephanie Thi Linh Minh Wei Mei Jun "
    "Hyun Ji Priya Arjun Aisha Omar Fatima Tariq Keisha Jamal Darnell Latoya Andre Tamika "
    "Kiana Noa Leilani Samoa Paulo Rahul Ravi Sofia Valentina Camila Mateo Diego Santiago "
    "Lucia Elena Gabriel Isabel Alejandro Ricardo Veronica Yesenia Araceli Sergio "
    "Francisco Manuel Marcus Tyrone Tanya Crystal Amber Tiffany Brandon Justin Tyler Dylan "
    "Hannah Emily Olivia Emma Ethan Noah Liam Ava Mia Chloe Grace Ruth Naomi Esther Samuel "
    "Isaiah Elijah Joseph"
)
FIRST_NAMES = tuple(_FIRST_NAMES_TEXT.split())
_LAST_NAMES_TEXT = (
    "Garcia Hernandez Lopez Martinez Gonzalez Rodriguez Perez Sanchez Ramirez Torres "
    "Flores Rivera Gomez Diaz Reyes Morales Cruz Ortiz Gutierrez Chavez Ramos Ruiz Alvarez "
    "Mendoza Castillo Jimenez Vasquez Romero Herrera Medina Aguilar Smith Johnson Williams "
    "Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin Lee "
    "Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green "
    "Baker Adams Nelson Hill Nguyen Tran Le Pham Huynh Vo Kim Park Choi Chen Wang Li Zhang "
    "Liu Wong Patel Shah Singh Kaur Khan Ahmed Ali Hassan Begay Yazzie Tsosie Whitehorse "
    "Washington Jefferson Okafor Mensah Haddad Kowalski Novak Ivanov Cohen Levy Sato "
    "Tanaka Yamamoto Santos Silva Souza"
)
LAST_NAMES = tuple(_LAST_NAMES_TEXT.split())
